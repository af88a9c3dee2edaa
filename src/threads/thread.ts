/**
 * Thread: runs a function in its own worker thread (Python's `threading.Thread`).
 *
 *     const t = new Thread({ target: './work.js#crunch', args: [lock, 10] });
 *     t.start();
 *     await t.join();
 *
 * The target is a module and an exported function (see target.ts), because functions cannot be
 * sent to another thread. Arguments are structured-cloned; shared objects (Lock, BoundedQueue, ...)
 * are passed by handle and revived on the other side automatically.
 *
 * A non-daemon thread keeps the process alive until it finishes, as in Python; a daemon thread
 * does not (its worker is unref'd, and it is stopped when the process exits). One difference from
 * Python: a thread started inside another thread belongs to that thread's worker, so a daemon one
 * is stopped when the thread that started it ends (a non-daemon one keeps that thread alive).
 * An uncaught error in the target goes to the excepthook of the thread that called `start()`
 * (see excepthook.ts); `join` still resolves.
 *
 * Every started Thread is in the process's thread registry (registry.ts) until it ends, so
 * `enumerate()` and `activeCount()` see it from every thread.
 */
import { threadId, type Worker } from 'node:worker_threads';
import { ThreadStateError } from './errors.js';
import { reportException } from './excepthook.js';
import { forgetChildrenAtExit, ownRecord, REGISTRY_KEY, threadRegistry } from './registry.js';
import { packArgs } from './shared-args.js';
import { ownModule, spawnWorker } from './spawn.js';
import { checkArgs, type ResolvedTarget, resolveTarget, type Target } from './target.js';
import type { ThreadInfo } from './thread-info.js';
import type { ThreadMessage, ThreadWorkerData } from './thread-main.js';

const THREAD_MAIN = ownModule(import.meta.url, './thread-main');

/** Threads started from this thread, by ident, so `enumerate()` returns the same objects. */
export const startedHere = new Map<number, Thread>();

export interface ThreadOptions {
  /** The function to run: './mod.js#name', a URL, or { module, export }. */
  target: Target;
  /** Arguments for the target (an array, like Python's args tuple). */
  args?: unknown[];
  /** Default "Thread-N". */
  name?: string;
  /** Default: the creating thread's daemon flag (false on the main thread). */
  daemon?: boolean;
}

export class Thread implements ThreadInfo {
  readonly name: string;
  readonly daemon: boolean;
  private readonly target: ResolvedTarget;
  private readonly args: unknown[];
  private worker: Worker | undefined;
  private threadIdent: number | undefined;
  private finished: Promise<void> | undefined;
  private exited = false;

  constructor(options: ThreadOptions) {
    if (!options || typeof options !== 'object')
      throw new TypeError('new Thread({ target, args?, name?, daemon? }): options are required');
    this.target = resolveTarget(options.target);
    this.args = checkArgs(options.args);
    this.name = options.name ?? threadRegistry().nextName();
    this.daemon = options.daemon ?? ownRecord()?.daemon ?? false;
  }

  /** The worker's threadId once started (kept after the thread ends, as in Python), else undefined. */
  get ident(): number | undefined {
    return this.threadIdent;
  }

  /**
   * Starts the thread. @throws ThreadStateError if it was already started (a thread runs once).
   */
  start(): void {
    if (this.worker) throw new ThreadStateError(`threads can only be started once (${this.name})`);
    const registry = threadRegistry();
    // Python's `_started`: the worker waits on it until this thread has registered it, so the new
    // thread finds itself in enumerate() from its first line.
    const started = new Int32Array(new SharedArrayBuffer(4));
    const workerData: ThreadWorkerData & Record<string, unknown> = {
      target: this.target,
      args: packArgs(this.args),
      started,
      [REGISTRY_KEY]: registry.handle,
      __thread: { ident: 0, name: this.name, daemon: this.daemon },
    };
    const worker = spawnWorker(THREAD_MAIN, { workerData });
    const ident = worker.threadId;
    try {
      registry.add({ ident, name: this.name, daemon: this.daemon }, threadId);
    } catch (error) {
      void worker.terminate(); // it is still waiting for `started`: the target never runs
      throw new ThreadStateError(`cannot start thread ${this.name}: ${(error as Error).message}`);
    }
    this.worker = worker;
    this.threadIdent = ident;
    startedHere.set(ident, this);
    forgetChildrenAtExit();
    worker.on('message', (message: ThreadMessage) => {
      if (message?.type === 'exception') reportException({ thread: this, error: message.error });
    });
    worker.on('error', (error) => reportException({ thread: this, error }));
    this.finished = new Promise((resolve) => {
      worker.once('exit', () => {
        this.exited = true;
        registry.remove(ident);
        startedHere.delete(ident);
        resolve();
      });
    });
    // Last: adding a 'message' listener refs the worker's port again, undoing an earlier unref.
    if (this.daemon) worker.unref();
    Atomics.store(started, 0, 1);
    Atomics.notify(started, 0);
  }

  /**
   * Waits until the thread ends. Resolves true once it has, false if `timeout` ms passed first
   * (the thread keeps running). @throws ThreadStateError if the thread was never started.
   */
  async join(timeout?: number): Promise<boolean> {
    if (!this.finished) throw new ThreadStateError(`cannot join thread ${this.name} before it is started`);
    if (timeout === undefined) {
      await this.finished;
      return true;
    }
    if (!(timeout >= 0))
      throw new RangeError(`timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeout)));
    try {
      return await Promise.race([this.finished.then(() => true as const), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the thread has started and not yet ended. */
  isAlive(): boolean {
    return this.worker !== undefined && !this.exited;
  }

  toString(): string {
    const state = this.exited ? 'stopped' : this.worker ? `started ${this.ident}` : 'initial';
    return `<Thread ${this.name} (${state}${this.daemon ? ' daemon' : ''})>`;
  }
}
