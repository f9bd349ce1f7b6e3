/** The re-embedding section of docs/BENCHMARKS.md (scripts/bench/reembed.ts measures it). */
import { table } from './measure.js';
import type { Results } from './results.js';

export function reembedSection(r: Results): string[] {
  return [
    '## 5. Re-embedding',
    '',
    'The live version of a cached index copied to a scratch folder, then `npm run embed`\'s build run on it twice: with the same articles (nothing to write), then with one article more (its texts embedded; the local vector graph updated in place rather than built again, docs/SCALING.md).',
    '',
    r.reembed.length
      ? table(
          ['index', 'chunks', 'change', 'texts embedded', 'vector index', 'wall', 'CPU'],
          r.reembed.map((e) => [e.name, e.chunks.toLocaleString('en'), e.change, e.embeddedTexts, e.vectorIndex, `${(e.ms / 1000).toFixed(1)} s`, `${(e.cpuMs / 1000).toFixed(1)} s`]),
        )
      : 'Not measured in this run (no full SciFact index or scale index).',
    '',
  ];
}
