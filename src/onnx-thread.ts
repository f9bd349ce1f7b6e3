/**
 * An ONNX Runtime session run on a worker thread (onnx-thread-worker.mjs), behind the two members of an
 * `InferenceSession` that transformers.js's models use (`inputNames`, `run`). onnxruntime-node 1.14 runs a
 * session on the calling thread, so a question embedded on the main thread held it for the whole embedding;
 * on a thread of its own, the question's BM25 search runs meanwhile (src/pipeline.ts), and a bot's other
 * interactions are handled.
 *
 * A thread is shared by every session of the same file and options in the process, and does not keep the
 * process alive while it has nothing to run. It is never stopped: with onnxruntime-node 1.14 loaded in two
 * threads, a thread that ends (terminated, or even ending by itself after a model failed to open) now and
 * then corrupts the process's native heap ("free(): invalid pointer" and an abort, 1 run in 8 in a test
 * harness). So a thread whose model failed to open is parked (idle, not holding the process) rather than
 * ended. Should a thread die all the same, the requests it held fail rather than hang, and the next request
 * starts another.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import ort from 'onnxruntime-node';

interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

type Reply = { ready: true; inputNames: string[]; outputNames: string[] } | { failed: string } | { id: number; outputs: Record<string, WireTensor> } | { id: number; error: string };

/** What a transformers.js model needs of a session. */
export interface ThreadSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, WireTensor>): Promise<Record<string, ort.Tensor>>;
}

/** The worker's script beside this module, whether this module runs as TypeScript (tsx, vitest) or as the launcher's build. */
const WORKER_SCRIPT = fileURLToPath(new URL('./onnx-thread-worker.mjs', import.meta.url));

/**
 * The worker's JavaScript holds a request at a time: a small young generation saves about 7 MB of a cold ask's
 * peak. Its old generation is left unbounded: a worker over a limit is ended by V8, and a thread must not end.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

class OnnxThread implements ThreadSession {
  /** The thread, from its start until it stops: the events of one that stopped are not this one's. */
  private current: Worker | undefined;
  /** The current thread once its session is open. */
  private ready: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly pending = new Map<number, { resolve: (outputs: Record<string, ort.Tensor>) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  inputNames: readonly string[] = [];
  outputNames: readonly string[] = [];

  constructor(
    private readonly file: string,
    private readonly threads: number,
  ) {}

  /** Starts the thread and waits until its session is open. */
  start(): Promise<Worker> {
    return (this.starting ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER_SCRIPT, { workerData: { file: this.file, threads: this.threads }, resourceLimits: WORKER_LIMITS });
      this.current = worker;
      worker.on('message', (reply: Reply) => {
        if (this.ready === worker) return this.settle(worker, reply);
        if (!('ready' in reply)) {
          // Parked (see above): this object forgets it, and a session asked for again starts another thread.
          worker.unref();
          this.current = undefined;
          this.starting = undefined;
          return reject(new Error('failed' in reply ? reply.failed : 'unexpected first message from the ONNX thread'));
        }
        this.inputNames = reply.inputNames;
        this.outputNames = reply.outputNames;
        this.ready = worker;
        // Idle, it does not keep the process alive (a listener added holds it again: so after them).
        if (this.pending.size === 0) worker.unref();
        resolve(worker);
      });
      worker.on('error', (error) => this.stopped(worker, error, reject));
      worker.on('exit', (code) => this.stopped(worker, new Error(`it exited with code ${code}`), reject));
    }));
  }

  run(feeds: Record<string, WireTensor>): Promise<Record<string, ort.Tensor>> {
    const wire: Record<string, WireTensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) wire[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
    // Posted now when the thread is ready, not a turn later: the caller goes on to search meanwhile.
    if (this.ready) return this.post(this.ready, wire);
    return this.start().then((worker) => this.post(worker, wire));
  }

  private post(worker: Worker, feeds: Record<string, WireTensor>): Promise<Record<string, ort.Tensor>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Held while it runs something: a process waiting for an embedding is not done.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, feeds });
    });
  }

  private settle(worker: Worker, message: Reply): void {
    if (!('id' in message)) return;
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) worker.unref();
    if ('error' in message) request.reject(new Error(message.error));
    else request.resolve(Object.fromEntries(Object.entries(message.outputs).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)])));
  }

  /** A thread is gone (an error, then its exit): if it was the current one, what it held fails, and the next request starts another. */
  private stopped(worker: Worker, error: Error, rejectStart: (error: Error) => void): void {
    rejectStart(error);
    if (worker !== this.current) return;
    this.current = undefined;
    this.ready = undefined;
    this.starting = undefined;
    const failure = new Error(`The ONNX thread running ${this.file} stopped: ${error.message}`);
    for (const request of this.pending.values()) request.reject(failure);
    this.pending.clear();
  }
}

const threads = new Map<string, Promise<OnnxThread>>();

/** The session of `file` on a thread of its own, started (and its session open) once per file and options in the process. */
export function threadSession(file: string, options: { intraOpNumThreads: number }): Promise<ThreadSession> {
  const key = `${options.intraOpNumThreads}\u0000${file}`;
  let thread = threads.get(key);
  if (!thread) {
    const made = new OnnxThread(file, options.intraOpNumThreads);
    thread = made.start().then(() => made);
    threads.set(key, thread);
    thread.catch(() => threads.delete(key));
  }
  return thread;
}
