/**
 * How far the JavaScript heap may grow past what is live before V8 collects it whole. Left to itself, V8 lets
 * an answering process's old generation grow to about two and a half times its live data between full
 * collections: each question leaves a few hundred kB that outlived the young generation (sentences read, rows
 * scored), so under load the heap climbs from about 100 MB live to about 250 before the next full collection.
 *
 * HEAP_GROWTH_PERCENT (default 30) sets V8's growing factor instead (1 + percent / 100, in every mode: V8's own
 * is 1.1 to 4): a full collection once the heap is 30 % over what the last one left. Hence its bounds, 10 to 300
 * (under 10, full collections would run nearly all the time; over 300, the heap would grow further than V8's own
 * most). At 100k chunks, 600 SciFact questions in one answering process (the bench's, as `npm start`
 * runs: docs/SCALING.md), the process held 368-371 MB after them against 465-467 MB with V8's own growth
 * (60 %: 393-399 MB). The collections are incremental and mostly concurrent: they cost CPU on the other core
 * more than wall time, but on two cores that core is also the ONNX runtime's. Six runs of 200 questions each way,
 * interleaved: p95 18.3 against 16.4 ms a whole answer (medians of the runs), CPU p95 33 against 28 ms, held
 * 358 against 397 MB (and against about 465 MB once V8's own growth has had 600 questions). 0 leaves V8's own.
 */
import v8 from 'node:v8';

/** Sets V8's heap growing factor for this process (0: V8's own). V8 reads it at each full collection. */
export function setHeapGrowth(percent: number): void {
  v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
