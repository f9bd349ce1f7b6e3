/**
 * The Postgres rows in the benchmark's report: their section of docs/BENCHMARKS.md, their rows of the JSON
 * `ask` array, and their table in the summary printed at the end of a run.
 */
import { fmt, mb, ms, share, table } from './measure.js';
import type { PostgresResult, Results, RunInfo, SizeResult } from './results.js';

/** Issue 10's target for Postgres at 100,000 chunks, ms p95. */
export const POSTGRES_P95_TARGET_MS = 50;

const loadCell = (s: Extract<PostgresResult, { load: unknown }>) =>
  `${s.load.seconds.toFixed(1)} s, ${s.load.cpuSeconds.toFixed(1)} s CPU, peak RSS ${s.load.peakRssMb.toFixed(0)} MB (${s.loadCached ? `cached, ${s.load.builtAt.slice(0, 16)}` : 'this run'})`;

export function postgresSection(r: Results, how: RunInfo): string[] {
  if (r.postgres.length === 0) return [];
  const local = new Map(r.sizes.map((s) => [s.name, s]));
  const localCells = (s: SizeResult | undefined) => (s ? [fmt(s.ask), fmt(s.askCpu)] : ['–', '–']);
  return [
    '### The same indexes on Postgres (PGlite)',
    '',
    `Each index above is copied into a PGlite database (Postgres 18 in WebAssembly with pgvector and pg_textsearch: the server of \`npm run db:dev\`, \`src/db/dev-server.ts\`) that the bench serves with \`npm run db:dev\` itself, in a process of its own on 127.0.0.1 (since the fifteenth session; before, in the bench's own process), and reaches through the \`pg\` driver with its DATABASE_URL, as the bot connects. The version is written by the store's own write (\`src/db/pg-write.ts\`: one transaction; pgvector's HNSW index and the BM25 indexes built as \`npm run embed\` builds them) from the local index's vectors, annotations and term tables, so nothing is embedded again; the load runs in a process of its own (\`scripts/bench/pg-loader.ts\`) with a budget of ${how.pgBudgetMinutes} minutes (\`--pg-budget\`), and its data folder is kept in \`.cache/bench/postgres-<name>\` while the local version it came from is live (a load that did not fit is recorded too, and not tried again within the same budget). Then the same ${how.warmupQuestions} warm-up and timed questions as the local rows, through the same \`Pipeline.ask\`. The database answers one query at a time on one thread; the whole answers are timed in a process of their own, as the local rows' are (their CPU time is the answering process's, not the database's), and the parts in the bench's process. These are PGlite's figures, not a real server's. All times in ms, p50 / p95 / p99; "search" is the store's whole search (the dense and BM25 queries, fusion, and the retrieved chunks' rows fetched).`,
    '',
    table(
      ['index', 'chunks', 'ask (wall)', 'ask (CPU)', 'local ask (wall)', 'local ask (CPU)', 'embed query', 'search', 'question analysed (while embedded)', 'read ahead (while embedded)', 'reader', 'open', 'load into PGlite (wall, CPU of the loader and database)', 'peak RSS so far'],
      r.postgres.map((s) =>
        'notMeasured' in s
          ? [s.name, s.chunks, `**not measured**: ${s.notMeasured}`, '–', ...localCells(local.get(s.name)), '–', '–', '–', '–', '–', '–', '–', '–']
          : [s.name, s.chunks, fmt(s.ask), fmt(s.askCpu), ...localCells(local.get(s.name)), fmt(s.embedQuery), fmt(s.search), fmt(s.prepare), share(s.readAhead), fmt(s.read), `${ms(s.openMs)} ms`, loadCell(s), mb(s.rssKb)],
      ),
    ),
    '',
  ];
}

/**
 * The issue's Postgres target (p95 under 50 ms at 100,000 chunks through `db:dev`), on the largest size the
 * run loaded: measured, or why not. No row when the run measured no Postgres size.
 */
export function postgresTarget(rows: PostgresResult[]): string[][] {
  const largest = rows.reduce<PostgresResult | undefined>((best, s) => (!best || s.chunks > best.chunks ? s : best), undefined);
  if (!largest) return [];
  const target = `Postgres (PGlite through \`db:dev\`): warm p95 < ${POSTGRES_P95_TARGET_MS} ms at 100,000 chunks`;
  const at = `${largest.chunks.toLocaleString('en')} chunks`;
  if ('notMeasured' in largest) return [[target, `not measured at ${at}: ${largest.notMeasured}`, 'not measured']];
  const measured = `${ms(largest.ask.p95)} ms at ${at} (search ${ms(largest.search.p95)}, reader ${ms(largest.read.p95)}, embed question ${ms(largest.embedQuery.p95)}; PGlite runs the queries one at a time)`;
  return [[target, measured, largest.chunks < 100_000 ? 'not measured at 100,000' : largest.ask.p95 < POSTGRES_P95_TARGET_MS ? 'yes' : 'no']];
}

/** The Postgres rows of the JSON `ask` array; a size not measured has null figures and the reason. */
export function postgresJson(rows: PostgresResult[]): object[] {
  return rows.map((s) => {
    const row = { backend: s.backend, index: s.name, chunks: s.chunks, scaleIndex: s.scaleIndex };
    if ('notMeasured' in s) return { ...row, p50Ms: null, p95Ms: null, notMeasured: s.notMeasured };
    return {
      ...row,
      p50Ms: s.ask.p50,
      p95Ms: s.ask.p95,
      cpuP50Ms: s.askCpu.p50,
      cpuP95Ms: s.askCpu.p95,
      stages: { embedQueryP95Ms: s.embedQuery.p95, searchP95Ms: s.search.p95, prepareP95Ms: s.prepare.p95, readP95Ms: s.read.p95 },
      load: { seconds: s.load.seconds, cpuSeconds: s.load.cpuSeconds, peakRssMb: s.load.peakRssMb, cached: s.loadCached },
    };
  });
}

export function printPostgres(rows: PostgresResult[]): void {
  if (rows.length === 0) return;
  console.log('Postgres (PGlite), ms (p50 / p95 / p99)');
  console.table(
    rows.map((s) =>
      'notMeasured' in s
        ? { index: s.name, chunks: s.chunks, ask: `not measured: ${s.notMeasured}` }
        : { index: s.name, chunks: s.chunks, ask: fmt(s.ask), 'ask CPU': fmt(s.askCpu), search: fmt(s.search), question: fmt(s.prepare), reader: fmt(s.read), 'load s': +s.load.seconds.toFixed(1), 'load CPU s': +s.load.cpuSeconds.toFixed(1) },
    ),
  );
}
