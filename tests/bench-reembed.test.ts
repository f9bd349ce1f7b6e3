/**
 * The bench's re-embed rows (scripts/bench/reembed.ts): a copy of a live index re-embedded with nothing
 * changed, then with one article more; the index it copied is left as it was. Real shipped model and index.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { benchReembed } from '../scripts/bench/reembed.js';
import { reembedSection } from '../scripts/bench/report-reembed.js';
import type { Results } from '../scripts/bench/results.js';
import { currentVersion } from '../src/index/store.js';
import { buildInto, sharedEmbedder, shippedArticles, tempDir, testConfig } from './helpers.js';

it('re-embeds a copy of an index: nothing written when nothing changed, the graph updated for one article more', async () => {
  const config = testConfig();
  const articles = await shippedArticles();
  const built = await buildInto(config, articles);
  const before = readdirSync(config.embeddingsDir).sort();
  const scratch = path.join(tempDir(), '.reembed');

  const rows = await benchReembed('shipped', config.embeddingsDir, articles, await sharedEmbedder(), config, scratch);
  expect(rows).toMatchObject([
    { name: 'shipped', change: 'nothing changed', chunks: built.chunks, embeddedTexts: 0, vectorIndex: 'unchanged' },
    { name: 'shipped', change: 'one article added', vectorIndex: 'updated' },
  ]);
  expect(rows[1]!.chunks).toBeGreaterThan(built.chunks);
  expect(rows[1]!.embeddedTexts).toBeGreaterThan(0);
  for (const row of rows) expect(row.ms).toBeGreaterThan(0);

  // The copy is gone and the index it came from is as it was.
  expect(existsSync(scratch)).toBe(false);
  expect(readdirSync(config.embeddingsDir).sort()).toEqual(before);
  expect(await currentVersion(config.embeddingsDir)).toBe(built.version);

  const section = reembedSection({ reembed: rows } as Results).join('\n');
  expect(section).toContain(`| shipped | ${built.chunks.toLocaleString('en')} | nothing changed | 0 | unchanged |`);
  expect(reembedSection({ reembed: [] as Results['reembed'] } as Results).join('\n')).toMatch(/Not measured in this run/);
});
