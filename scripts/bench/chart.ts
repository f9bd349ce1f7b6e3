/**
 * How question latency grows with the index: p95 of each stage against the number of chunks, one line per
 * backend and stage (the Postgres backend's search is one stage, its queries being the database's), drawn
 * as a small SVG (log scales: chunks on x, milliseconds on y, the backends being far apart).
 */
import type { PostgresResult, SizeResult } from './results.js';

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { left: 64, right: 220, top: 36, bottom: 48 };
const STAGES = [
  { key: 'ask', label: 'whole answer', color: '#1f77b4' },
  { key: 'lexical', label: 'BM25 (both searches)', color: '#d62728' },
  { key: 'search', label: 'search (dense, BM25, rows)', color: '#ff7f0e' },
  { key: 'read', label: 'reader', color: '#2ca02c' },
  { key: 'dense', label: 'dense search', color: '#9467bd' },
  { key: 'embedQuery', label: 'embed question', color: '#8c564b' },
] as const;
const DASHES = ['', '6 4', '2 3'];

type StageKey = (typeof STAGES)[number]['key'];

/** One measured size of one backend: the p95 of the stages it times. */
export interface ChartPoint {
  backend: string;
  chunks: number;
  p95: Partial<Record<StageKey, number>>;
}

/** The points of the local and the Postgres rows (sizes Postgres did not measure are named under the legend). */
export function chartPoints(sizes: SizeResult[], postgres: PostgresResult[]): ChartPoint[] {
  return [
    ...sizes.map((s) => ({ backend: s.backend, chunks: s.chunks, p95: { ask: s.ask.p95, lexical: s.lexical.p95, read: s.read.p95, dense: s.dense.p95, embedQuery: s.embedQuery.p95 } })),
    ...postgres.flatMap((s) => ('notMeasured' in s ? [] : [{ backend: s.backend, chunks: s.chunks, p95: { ask: s.ask.p95, search: s.search.p95, read: s.read.p95, embedQuery: s.embedQuery.p95 } }])),
  ];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The SVG text of the chart, or undefined when fewer than two sizes were measured; `notes` go under the legend. */
export function latencyChart(all: ChartPoint[], notes: string[] = []): string | undefined {
  const points = all.filter((s) => s.chunks > 0).sort((a, b) => a.chunks - b.chunks);
  if (points.length < 2) return undefined;
  const backends = [...new Set(points.map((s) => s.backend))];
  const xs = points.map((s) => Math.log10(s.chunks));
  const [xMin, xMax] = [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))];
  const values = points.flatMap((s) => Object.values(s.p95).filter((v) => v > 0));
  const [yMin, yMax] = [Math.floor(Math.log10(Math.min(...values))), Math.ceil(Math.log10(Math.max(...values)))];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (chunks: number) => MARGIN.left + ((Math.log10(chunks) - xMin) / (xMax - xMin || 1)) * plotW;
  const y = (msValue: number) => MARGIN.top + plotH - ((Math.log10(Math.max(msValue, 10 ** yMin)) - yMin) / (yMax - yMin || 1)) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">p95 latency per question against index size (npm run bench)</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">chunks in the index (log scale)</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})" text-anchor="middle">ms (p95, log scale)</text>`,
  ];
  for (let e = xMin; e <= xMax; e++) {
    const px = x(10 ** e);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`, `<text x="${px}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`);
  }
  for (let e = yMin; e <= yMax; e++) {
    for (const m of e < yMax ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      parts.push(`<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="${m === 1 ? '#ddd' : '#f3f3f3'}"/>`, `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en', { maximumSignificantDigits: 2 })}</text>`);
    }
  }
  const lx = MARGIN.left + plotW + 12;
  let legend = MARGIN.top;
  backends.forEach((backend, b) => {
    const series = points.filter((s) => s.backend === backend);
    for (const stage of STAGES) {
      const measured = series.filter((s) => s.p95[stage.key] !== undefined);
      if (measured.length === 0) continue;
      const path = measured.map((s) => `${x(s.chunks).toFixed(1)},${y(s.p95[stage.key]!).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${stage.color}" stroke-width="2" stroke-dasharray="${DASHES[b % DASHES.length]}"/>`);
      for (const s of measured) parts.push(`<circle cx="${x(s.chunks).toFixed(1)}" cy="${y(s.p95[stage.key]!).toFixed(1)}" r="3" fill="${stage.color}"/>`);
      parts.push(
        `<line x1="${lx}" y1="${legend}" x2="${lx + 22}" y2="${legend}" stroke="${stage.color}" stroke-width="2" stroke-dasharray="${DASHES[b % DASHES.length]}"/>`,
        `<text x="${lx + 28}" y="${legend + 4}">${escape(`${stage.label}${backends.length > 1 ? ` (${backend})` : ''}`)}</text>`,
      );
      legend += 18;
    }
  });
  for (const note of notes) {
    legend += 6;
    parts.push(`<text x="${lx}" y="${legend + 4}" font-size="11">${escape(note)}</text>`);
    legend += 14;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
