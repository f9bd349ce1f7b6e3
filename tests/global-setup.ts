/**
 * Before any test file: the build of the current sources that entry points run from (src/launch.mjs), made
 * once here rather than by the first few tests that launch one at the same time (and before a test that
 * launches as a user who cannot write the build folder).
 */
import { PROJECT_ROOT } from '../src/config-values.js';
// @ts-expect-error: plain JavaScript (it runs before anything is compiled), typed by its JSDoc only
import { ensureBuild } from '../src/launch.mjs';

export default async function setup(): Promise<void> {
  await ensureBuild(PROJECT_ROOT);
}
