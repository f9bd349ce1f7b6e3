/**
 * The bench's embed into each backend (scripts/bench/embed-backends.ts): the same articles built from scratch
 * into a local folder and into a PGlite database that `npm run db:dev` serves in a process of its own, through
 * the `pg` driver. Real shipped model, real database; the report's section and target row.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { benchEmbedBackends, postgresEmbedShare } from '../scripts/bench/embed-backends.js';
import { embedBackendsSection, embedTarget } from '../scripts/bench/report-embed-backends.js';
import type { EmbedBackendRow, Results } from '../scripts/bench/results.js';
import { sharedEmbedder, shippedArticles, tempDir, testConfig } from './helpers.js';

it('builds the same articles into both backends, in turn, and reports Postgres against local', async () => {
  const config = testConfig();
  const articles = (await shippedArticles()).slice(0, 3);
  const scratch = path.join(tempDir(), '.embed-backends');
  const rows = await benchEmbedBackends(articles, await sharedEmbedder(), config, scratch, 1);

  expect(rows.map((r) => [r.backend, r.round, r.articles])).toEqual([
    ['local', 1, 3],
    ['postgres', 1, 3],
  ]);
  // Each build embeds every chunk and sentence of the articles: the same count on both.
  expect(rows[0]!.texts).toBeGreaterThan(0);
  expect(rows[1]!.texts).toBe(rows[0]!.texts);
  for (const row of rows) expect(row.ms).toBeGreaterThan(0);
  expect(existsSync(scratch)).toBe(false);

  const section = embedBackendsSection({ embedBackends: rows } as Results).join('\n');
  expect(section).toContain(`| local | 1 | ${rows[0]!.texts} |`);
  expect(section).toMatch(/Postgres against local, on the means: \*\*[+−]\d+\.\d %\*\*/);
  expect(embedBackendsSection({ embedBackends: [] as EmbedBackendRow[] } as Results).join('\n')).toMatch(/Not measured in this run/);
}, 120_000);

it('meets the target when Postgres embeds within 20 % of local throughput, on the means', () => {
  const row = (backend: 'local' | 'postgres', round: number, ms: number): EmbedBackendRow => ({ backend, round, articles: 500, texts: 1000, ms, cpuMs: ms });
  // local 100 and 50 texts/s (mean 75), Postgres 62.5 (−16.7 %)
  const rows = [row('local', 1, 10_000), row('postgres', 1, 16_000), row('local', 2, 20_000), row('postgres', 2, 16_000)];
  expect(postgresEmbedShare(rows)).toBeCloseTo(62.5 / 75 - 1, 10);
  expect(embedTarget({ embedBackends: rows } as Results)).toEqual([[expect.stringContaining('within 20 %'), expect.stringContaining('−16.7 % on the means of 2 builds each (500 SciFact articles)'), 'yes']]);
  const slow = [row('local', 1, 10_000), row('postgres', 1, 13_000)];
  expect(embedTarget({ embedBackends: slow } as Results)[0]![2]).toBe('no');
  expect(embedTarget({ embedBackends: [] as EmbedBackendRow[] } as Results)).toEqual([]);
});
