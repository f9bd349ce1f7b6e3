/**
 * Before any test file: the build of the current sources that entry points run from (src/launch.mjs), made
 * once here rather than by the first few tests that launch one at the same time (and before a test that
 * launches as a user who cannot write the build folder).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config-values.js';
// @ts-expect-error: plain JavaScript (it runs before anything is compiled), typed by its JSDoc only
import { ensureBuild } from '../src/launch.mjs';

/**
 * The shipped corpus, as tests/shipped-corpus.json lists it, copied to a folder of the tests' own: the tests check
 * answers over it, and coverage a user adds to articles/ (files, `--feed` ingestion) must change none of them. A
 * shipped file that was changed stops the run with what to do.
 */
function shippedCorpus(): string {
  const { files } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tests', 'shipped-corpus.json'), 'utf8')) as { files: Record<string, string> };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coverage-bot-shipped-'));
  for (const [name, sha256] of Object.entries(files)) {
    const bytes = readFileSync(path.join(PROJECT_ROOT, 'articles', name));
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new Error(`articles/${name} is not the file the tests check answers over (tests/shipped-corpus.json): restore it with \`git checkout articles/${name}\`, or keep your own coverage in another CORPUS_DIR.`);
    }
    writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

export default async function setup(): Promise<() => void> {
  await ensureBuild(PROJECT_ROOT);
  // Read by tests/helpers.ts (SHIPPED_CORPUS) in the test processes, which inherit it.
  const dir = shippedCorpus();
  process.env.COVERAGE_BOT_TEST_CORPUS = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
