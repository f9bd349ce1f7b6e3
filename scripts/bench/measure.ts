/**
 * What the benchmark measures with: percentiles, timing, memory, the log line, how figures are printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(values: number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2)) : '–');
export const fmt = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}`;
export const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
export const share = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(0)} %`);

/** A Markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function log(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** CPU time of this process so far (user + system of every thread, ms). */
export function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/**
 * Wall time and CPU time (user + system of this process, ms) of a call: neighbours on a shared machine
 * disturb the CPU time less. A database served in this process (PGlite) counts in it too.
 */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number; cpuMs: number }> {
  const start = performance.now();
  const cpu = cpuMs();
  const value = await fn();
  return { value, ms: performance.now() - start, cpuMs: cpuMs() - cpu };
}

/**
 * CPU time (user + system, ms) of both BM25 searches a question makes, per question: neighbours on a shared
 * machine disturb it less than wall time.
 */
export function lexicalCpuTimes(engine: { query(text: string, k: number): unknown; queryArticles(text: string, k: number): unknown }, questions: string[], k = 50): Percentiles {
  const times: number[] = [];
  for (const q of questions) {
    const start = cpuMs();
    engine.query(q, k);
    engine.queryArticles(q, k);
    times.push(cpuMs() - start);
  }
  return percentiles(times);
}

/** Peak RSS of this process so far (resourceUsage reports kilobytes). */
export const peakRssKb = () => process.resourceUsage().maxRSS;

export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
