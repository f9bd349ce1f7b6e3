/**
 * Experiment helper: only the parts of `npm run eval` whose sets were never tuned on (SQuAD's test articles,
 * paragraph given and open corpus; NQ-UTD's news questions), the same code (scripts/eval/squad-reading.ts,
 * news-reading.ts), so that a variant of the reader can be measured on them without printing the held-out set.
 * The reader comes from the configuration as in `npm run eval` (READER_MODEL, READER_THRESHOLD, READER_OPEN_THRESHOLD).
 *
 *   READER_MODEL=FILE READER_THRESHOLD=T node --import tsx scripts/experiments/never-tuned-sets.ts [--shared DIR]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { loadEmbedder } from '../../src/embedder.js';
import { loadReader } from '../../src/reader/reader.js';
import { evaluateNewsReading } from '../eval/news-reading.js';
import { evaluateReading } from '../eval/squad-reading.js';

const { values } = parseArgs({ options: { shared: { type: 'string' } } });
const config = await loadConfig();
const embedder = await loadEmbedder(config.embedding);
const reader = loadReader(config.reader.modelFile, config.reader.threshold, config.reader.sureThreshold, config.reader.openThreshold);
console.log(`reader ${path.relative(PROJECT_ROOT, config.reader.modelFile)}, thresholds ${reader.threshold} (fact) / ${reader.openThreshold} (account)`);
const shared = path.resolve(values.shared ?? path.join(PROJECT_ROOT, '..', 'shared', 'eval'));
await evaluateReading(config, embedder, reader, reader.threshold, shared);
await evaluateNewsReading(config, embedder, reader, shared);
