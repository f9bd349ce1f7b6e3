/** Embedding from scratch into each backend in docs/BENCHMARKS.md (scripts/bench/embed-backends.ts measures it): its section and target row. */
import { postgresEmbedShare, textsPerSecond } from './embed-backends.js';
import { table } from './measure.js';
import type { Results } from './results.js';

export function embedBackendsSection(r: Results): string[] {
  const rows = r.embedBackends;
  const share = postgresEmbedShare(rows);
  return [
    '### Embedding into each backend',
    '',
    rows.length
      ? `The first ${rows[0]!.articles} SciFact articles built from scratch by \`npm run embed\`'s build into an empty local folder and into an empty PGlite database served by \`npm run db:dev\` in a process of its own, reached through its DATABASE_URL, in turn (local, Postgres, local, Postgres…). Throughput: chunks and sentences embedded over the build's wall time, the write included; CPU is the bench process's (the database's runs in its own process on the same two cores).`
      : 'Not measured in this run (no SciFact corpus).',
    '',
    ...(rows.length
      ? [
          table(
            ['backend', 'round', 'texts embedded', 'wall', 'CPU (bench process)', 'texts/s'],
            rows.map((e) => [e.backend, e.round, e.texts.toLocaleString('en'), `${(e.ms / 1000).toFixed(1)} s`, `${(e.cpuMs / 1000).toFixed(1)} s`, textsPerSecond(e).toFixed(1)]),
          ),
          '',
          `Postgres against local, on the means: **${share === undefined ? '–' : `${share >= 0 ? '+' : '−'}${Math.abs(100 * share).toFixed(1)} %`}**.`,
          '',
        ]
      : []),
  ];
}

/** The target row: embed into Postgres within 20 % of the local embed's throughput. */
export function embedTarget(r: Results): string[][] {
  const share = postgresEmbedShare(r.embedBackends);
  if (share === undefined) return [];
  return [['embed into Postgres (PGlite through `db:dev`) within 20 % of local embed throughput', `${share >= 0 ? '+' : '−'}${Math.abs(100 * share).toFixed(1)} % on the means of ${r.embedBackends.length / 2} build${r.embedBackends.length === 2 ? '' : 's'} each (${r.embedBackends[0]!.articles} SciFact articles)`, share >= -0.2 ? 'yes' : 'no']];
}
