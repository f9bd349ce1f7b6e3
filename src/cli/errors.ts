/** Ends a CLI with a clear message for the errors a user can act on, and a stack trace only for bugs. */
import { ConfigError } from '../config.js';
import { CorpusError } from '../corpus/load.js';
import { ModelError } from '../embedder.js';
import { IndexError } from '../index/store.js';
import { QuestionError } from '../pipeline.js';

const EXPECTED = [ConfigError, CorpusError, ModelError, IndexError, QuestionError];

export function exitWithError(error: unknown): never {
  if (EXPECTED.some((kind) => error instanceof kind)) {
    console.error(`Error: ${(error as Error).message}`);
  } else {
    console.error('Unexpected error:', error);
  }
  process.exit(1);
}
