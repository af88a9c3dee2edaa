/**
 * ThreadPoolExecutor: runs tasks on a pool of worker threads (Python's
 * `concurrent.futures.ThreadPoolExecutor`).
 *
 *     await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
 *     const squares = await pool.map('./math.js#square', [1, 2, 3]);
 *     const f = pool.submit('./math.js#slow', 10);  await f.result();
 *
 * The pool itself is piscina (well kept, fast, handles worker crashes and recycling): we keep our
 * own queue of pending futures and hand piscina at most `maxWorkers` tasks at a time, so that a
 * future is "running" exactly when a worker has it — which makes Python's `cancel()` rule (only a
 * pending task can be cancelled) exact.
 */
import { Piscina } from 'piscina';
import { ExecutorShutDownError } from './errors.js';
import { Future } from './future.js';
import { REGISTRY_KEY, threadRegistry } from './registry.js';
import { packArgs } from './shared-args.js';
import { type ResolvedTarget, resolveTarget, type Target } from './target.js';

const POOL_ENTRY = new URL('./pool-entry.js', import.meta.url).href;

interface Job {
  future: Future<unknown>;
  target: ResolvedTarget;
  args: unknown[];
}

export interface ExecutorOptions {
  /** Worker threads at most (default: 4). */
  maxWorkers?: number;
}

export class ThreadPoolExecutor implements AsyncDisposable {
  readonly maxWorkers: number;
  private readonly pool: Piscina;
  private readonly pending: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private isShutDown = false;

  constructor(options: ExecutorOptions = {}) {
    const maxWorkers = options.maxWorkers ?? 4;
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a positive integer, got ${String(maxWorkers)}`);
    this.maxWorkers = maxWorkers;
    this.pool = new Piscina({
      filename: POOL_ENTRY,
      maxThreads: maxWorkers,
      minThreads: 0,
      idleTimeout: 1000,
      // Threads started inside a task join the process's registry (the task's own worker is not in it).
      workerData: { [REGISTRY_KEY]: threadRegistry().handle },
    });
  }

  /**
   * Schedules `task(...args)` on a worker and returns its Future.
   * @throws ExecutorShutDownError after `shutdown`.
   */
  submit<T = unknown>(task: Target, ...args: unknown[]): Future<T> {
    if (this.isShutDown) throw new ExecutorShutDownError('cannot schedule new futures after shutdown');
    const future = new Future<T>();
    this.pending.push({ future: future as Future<unknown>, target: resolveTarget(task), args: packArgs(args) });
    this.pump();
    return future;
  }

  /**
   * Runs `task(item)` for every item, in parallel (all are submitted at once), and resolves with
   * the results in input order. As in Python, results are collected in order: if a task fails,
   * map rejects with the error of the first failing item in input order, once the items before it
   * have finished, and cancels the tasks that have not started yet. `timeout` (ms) bounds the
   * whole call, counted from now; when it runs out, map rejects with FutureTimeoutError and
   * cancels what has not started.
   * @throws ExecutorShutDownError after `shutdown`.
   */
  async map<T = unknown>(task: Target, items: Iterable<unknown>, { timeout }: { timeout?: number } = {}): Promise<T[]> {
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    const futures = Array.from(items, (item) => this.submit<T>(task, item));
    const results: T[] = [];
    try {
      for (const future of futures) {
        results.push(
          await future.result(deadline === undefined ? undefined : Math.max(0, deadline - performance.now())),
        );
      }
    } catch (error) {
      for (const future of futures) future.cancel();
      throw error;
    }
    return results;
  }

  /**
   * Stops accepting tasks. `cancelFutures` cancels those not yet started; `wait` (default true)
   * resolves only after running and remaining tasks finish. Then the workers are stopped.
   */
  async shutdown({
    wait = true,
    cancelFutures = false,
  }: {
    wait?: boolean;
    cancelFutures?: boolean;
  } = {}): Promise<void> {
    this.isShutDown = true;
    if (cancelFutures) for (const job of this.pending.splice(0)) job.future.cancel();
    const drained = (async () => {
      while (this.inFlight.size > 0 || this.pending.length > 0) await Promise.race(this.inFlight);
      await this.pool.destroy();
    })();
    if (wait) await drained;
    else
      drained.catch((error: unknown) =>
        process.stderr.write(`ThreadPoolExecutor: stopping the workers failed: ${String(error)}\n`),
      );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  /** Hands pending jobs to piscina while fewer than maxWorkers run. */
  private pump(): void {
    while (this.inFlight.size < this.maxWorkers && this.pending.length > 0) {
      const job = this.pending.shift()!;
      if (!job.future.setRunning()) continue; // cancelled while pending
      const run: Promise<void> = this.pool
        .run({ module: job.target.module, name: job.target.name, args: job.args })
        .then(
          (value: unknown) => job.future.setResult(value),
          (error: unknown) => job.future.setException(error),
        )
        .finally(() => {
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }
}
