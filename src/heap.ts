/**
 * How far the JavaScript heap may grow past what is live before V8 collects it whole. Left to itself, V8 lets
 * an answering process's old generation grow to about two and a half times its live data between full
 * collections: each question leaves a few hundred kB that outlived the young generation (sentences read, rows
 * scored), so under load the heap climbs from about 100 MB live to about 250 before the next full collection.
 *
 * HEAP_GROWTH_PERCENT (default 30) caps that growth: a full collection once the heap is 30 % over what the
 * last one left. At 100k chunks, 600 SciFact questions in one answering process (the bench's, as `npm start`
 * runs: docs/SCALING.md), the process held 368-371 MB after them against 465-467 MB with V8's own growth
 * (60 %: 393-399 MB), with p95 14.7-16.2 against 14.8-15.8 ms a whole answer; the collections are incremental
 * and mostly concurrent, so they cost CPU (2-4 ms more at the p95) more than wall time. 0 leaves V8's own.
 */
import v8 from 'node:v8';

/** Sets V8's heap growing factor for this process (0: V8's own). V8 reads it at each full collection. */
export function limitHeapGrowth(percent: number): void {
  v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
