/**
 * How question latency grows with the index: p95 of each stage against the number of chunks, one line per
 * backend and stage, drawn as a small SVG (log scale of chunks on x, milliseconds on y).
 */
import type { SizeResult } from './results.js';

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 180, top: 36, bottom: 48 };
const STAGES = [
  { key: 'ask', label: 'whole answer', color: '#1f77b4' },
  { key: 'lexical', label: 'BM25 (both searches)', color: '#d62728' },
  { key: 'read', label: 'reader', color: '#2ca02c' },
  { key: 'dense', label: 'dense search', color: '#9467bd' },
  { key: 'embedQuery', label: 'embed question', color: '#8c564b' },
] as const;
const DASHES = ['', '6 4', '2 3'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The SVG text of the chart, or undefined when fewer than two sizes were measured. */
export function latencyChart(sizes: SizeResult[]): string | undefined {
  const points = sizes.filter((s) => s.chunks > 0).sort((a, b) => a.chunks - b.chunks);
  if (points.length < 2) return undefined;
  const backends = [...new Set(points.map((s) => s.backend))];
  const xs = points.map((s) => Math.log10(s.chunks));
  const [xMin, xMax] = [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))];
  const yMax = Math.max(1, ...points.flatMap((s) => STAGES.map((stage) => s[stage.key].p95))) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (chunks: number) => MARGIN.left + ((Math.log10(chunks) - xMin) / (xMax - xMin || 1)) * plotW;
  const y = (msValue: number) => MARGIN.top + plotH - (msValue / yMax) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">p95 latency per question against index size (npm run bench)</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">chunks in the index (log scale)</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})" text-anchor="middle">ms (p95)</text>`,
  ];
  for (let e = xMin; e <= xMax; e++) {
    const px = x(10 ** e);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`, `<text x="${px}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`);
  }
  const step = yMax > 200 ? 50 : yMax > 80 ? 20 : yMax > 40 ? 10 : 5;
  for (let v = 0; v <= yMax; v += step) {
    parts.push(`<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="#eee"/>`, `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  let legend = MARGIN.top;
  backends.forEach((backend, b) => {
    const series = points.filter((s) => s.backend === backend);
    for (const stage of STAGES) {
      const path = series.map((s) => `${x(s.chunks).toFixed(1)},${y(s[stage.key].p95).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${stage.color}" stroke-width="2" stroke-dasharray="${DASHES[b % DASHES.length]}"/>`);
      for (const s of series) parts.push(`<circle cx="${x(s.chunks).toFixed(1)}" cy="${y(s[stage.key].p95).toFixed(1)}" r="3" fill="${stage.color}"/>`);
      const lx = MARGIN.left + plotW + 12;
      parts.push(
        `<line x1="${lx}" y1="${legend}" x2="${lx + 22}" y2="${legend}" stroke="${stage.color}" stroke-width="2" stroke-dasharray="${DASHES[b % DASHES.length]}"/>`,
        `<text x="${lx + 28}" y="${legend + 4}">${escape(`${stage.label}${backends.length > 1 ? ` (${backend})` : ''}`)}</text>`,
      );
      legend += 18;
    }
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
