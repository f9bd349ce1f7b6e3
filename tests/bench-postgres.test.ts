/**
 * The bench's Postgres rows (scripts/bench/pg-*.ts): a local index loaded into PGlite by a loader process,
 * within a time budget, then timed through the pipeline on the database; a load over its budget becomes a row
 * saying what was measured instead of ending the run. Real PGlite, the real shipped index.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartPoints, latencyChart } from '../scripts/bench/chart.js';
import { ensurePostgres } from '../scripts/bench/pg-load.js';
import { benchPostgres } from '../scripts/bench/pg-size.js';
import { shippedQuestions } from '../scripts/bench/questions.js';
import { ms } from '../scripts/bench/measure.js';
import { postgresJson, postgresTarget } from '../scripts/bench/report-postgres.js';
import type { Config } from '../src/config.js';
import { buildInto, tempDir, testConfig } from './helpers.js';

let config: Config;
let size: { name: string; chunks: number; sentences: number; scaleIndex: boolean };

beforeAll(async () => {
  config = testConfig();
  const report = await buildInto(config);
  size = { name: 'shipped', chunks: report.chunks, sentences: report.sentences, scaleIndex: false };
});

describe('a load that does not fit its budget', () => {
  it('is stopped and reported as not measured, with what was measured; a rerun takes the outcome from the cache', async () => {
    const cacheDir = tempDir('coverage-bot-bench-');
    const options = { cacheDir, budgetMinutes: 0.01 };
    const outcome = await ensurePostgres('shipped', config.embeddingsDir, options);
    expect(outcome).toEqual({ notMeasured: expect.stringMatching(/^loading into PGlite did not finish within the 0\.01-minute budget \(stopped after \d+ s[,;]/) });
    expect(existsSync(path.join(cacheDir, 'postgres-shipped'))).toBe(false);
    expect(existsSync(path.join(cacheDir, 'postgres-shipped.loading'))).toBe(false);
    const record = JSON.parse(readFileSync(path.join(cacheDir, 'postgres.json'), 'utf8')).shipped;
    expect(record).toMatchObject({ budgetMinutes: 0.01, reason: (outcome as { notMeasured: string }).notMeasured });

    const again = await ensurePostgres('shipped', config.embeddingsDir, options);
    expect(again).toEqual({ notMeasured: expect.stringMatching(/did not finish within the 0\.01-minute budget.*\[measured .*; cached\]$/) });

    // The bench's rows: one for the size, with null figures and the reason.
    const rows = await benchPostgres([{ size, dir: config.embeddingsDir, questions: shippedQuestions(3) }], config, options);
    expect(postgresJson(rows)).toEqual([{ backend: 'postgres', index: 'shipped', chunks: size.chunks, scaleIndex: false, p50Ms: null, p95Ms: null, notMeasured: expect.stringMatching(/cached/) }]);
    // The targets table says the Postgres target was not measured, and why.
    expect(postgresTarget(rows)).toEqual([[expect.stringMatching(/^Postgres \(PGlite through `db:dev`\): warm p95 < 50 ms at 100,000 chunks$/), expect.stringMatching(/^not measured at \d+ chunks: loading into PGlite did not finish/), 'not measured']]);
  });
});

describe('a load that fits', () => {
  it('is timed through the pipeline on the database, and kept for the next run', async () => {
    const cacheDir = tempDir('coverage-bot-bench-');
    const options = { cacheDir, budgetMinutes: 5 };
    const questions = shippedQuestions(12);
    const [row] = await benchPostgres([{ size, dir: config.embeddingsDir, questions }], config, options);
    if (!row || 'notMeasured' in row) throw new Error(`not measured: ${row && 'notMeasured' in row ? row.notMeasured : 'no row'}`);
    expect(row).toMatchObject({ backend: 'postgres', name: 'shipped', chunks: size.chunks, sentences: size.sentences, loadCached: false, questions: 12 });
    expect(row.load).toMatchObject({ chunks: size.chunks, sentences: size.sentences });
    expect(row.load.seconds).toBeGreaterThan(0);
    expect(row.load.cpuSeconds).toBeGreaterThan(0);
    for (const p of [row.ask, row.askCpu, row.search, row.prepare, row.read, row.embedQuery]) expect(p.p50).toBeGreaterThan(0);
    expect(row.ask.p95).toBeGreaterThanOrEqual(row.ask.p50);
    const [json] = postgresJson([row]);
    expect(json).toMatchObject({ backend: 'postgres', chunks: size.chunks, p50Ms: row.ask.p50, p95Ms: row.ask.p95 });

    // The targets table: the largest size's p95 against the target, judged only at 100,000 chunks.
    const [, measured, met] = postgresTarget([row])[0]!;
    expect(measured!.startsWith(`${ms(row.ask.p95)} ms at ${size.chunks} chunks (search ${ms(row.search.p95)}, `)).toBe(true);
    expect(met).toBe('not measured at 100,000');
    const at100k = { ...row, chunks: 100_000, ask: { ...row.ask, p95: 170 } };
    expect(postgresTarget([row, at100k])[0]![2]).toBe('no');
    expect(postgresTarget([{ ...at100k, ask: { ...row.ask, p95: 42 } }])[0]![2]).toBe('yes');

    const [again] = await benchPostgres([{ size, dir: config.embeddingsDir, questions: questions.slice(0, 2) }], config, options);
    expect(again).toMatchObject({ backend: 'postgres', loadCached: true, load: row.load });
    // The local version written again with another vector graph (projected from 50 chunks), the same content: the copy is kept.
    const rewritten = await buildInto(testConfig({ EMBEDDINGS_DIR: config.embeddingsDir, HNSW_PROJECT_FROM: '50' }));
    expect(rewritten).toMatchObject({ vectorIndex: 'built', embeddedTexts: 0 });
    expect(await ensurePostgres('shipped', config.embeddingsDir, options)).toMatchObject({ cached: true, load: row.load });

    // The chart draws the Postgres series beside the local one, and names the sizes it could not measure.
    const local = { ...row, backend: 'local' as const, chunks: 104, lexical: row.search, dense: row.search, readAgain: row.read, loadMs: 1, buildCached: true, servingRssKb: 1, servingPeakRssKb: 1 };
    const svg = latencyChart(chartPoints([local], [{ ...row, chunks: 1000 }]), ['postgres: not measured at 100,000']);
    expect(svg).toContain('whole answer (postgres)');
    expect(svg).toContain('search (dense, BM25, rows) (postgres)');
    expect(svg).toContain('BM25 (both searches) (local)');
    expect(svg).toContain('postgres: not measured at 100,000');
  });
});
