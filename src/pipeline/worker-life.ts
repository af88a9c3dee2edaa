/**
 * What every pipeline worker thread does the same way, whatever its queue (a shared-memory link,
 * worker-main.ts, or a Redis stream, src/broker/stream-worker-main.ts): honour pause, stop and
 * retire as the board says; draw a producer's items (the user's `produce(ctx)` or the built-in
 * ones, paced to `--rate`); keep a consumer's latency histogram and post it about once a refresh;
 * and end by publishing `done`, or `failed` with the message.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { PipelineBoard } from './metrics.js';
import type { PipelineConfig, WorkerState } from './types.js';
import type { WorkerContext } from './user-modules.js';
import { builtinItems, sleepMs } from './workload.js';

/** Messages a pipeline worker sends to the main thread. */
export type WorkerMessage =
  | { type: 'latency'; histogram: string }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'sentinel' };

/** A worker's obedience to the board: pause, stop, retire. */
export class Steering {
  /** Aborted once the worker is told to stop: user code hears of it through `ctx.signal`. */
  readonly abort = new AbortController();

  constructor(
    private readonly board: PipelineBoard,
    private readonly slot: number,
    private readonly busy: WorkerState,
  ) {}

  /** While the run is paused (and not stopping), waits, shown as paused; then carries on. */
  waitIfPaused(): void {
    const { board, slot } = this;
    if (board.paused && !board.stopRequested && !board.isRetired(slot)) {
      board.setState(slot, 'paused');
      board.waitWhilePaused(slot);
      board.setState(slot, this.busy);
    }
  }

  /** Whether this producer should stop making items (and tells user code via ctx.signal). */
  shouldStop(): boolean {
    this.waitIfPaused();
    if (this.board.stopRequested || this.board.isRetired(this.slot)) {
      this.abort.abort();
      return true;
    }
    return false;
  }
}

/** A producer's items, one at a time. */
export interface ItemSource {
  /** The next item (a promise only when the user's iterable is async). */
  next(): IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  /** Waits until the next item is due under `--rate` (returns at once without one). */
  pace(): void;
  close(): Promise<void>;
}

/** The user's `produce(ctx)` (`--producer`), or the built-in items, paced to `--rate`. */
export async function openItems(config: PipelineConfig, ctx: WorkerContext, slot: number): Promise<ItemSource> {
  // The module loader (and what it needs to start threads) only when there is a module to load.
  const loadProducer = async (path: string) => (await import('./user-modules.js')).loadProducer(path);
  const source = config.producer ? (await loadProducer(config.producer))(ctx) : builtinItems(config, ctx.seed, slot);
  const iterator =
    Symbol.asyncIterator in Object(source)
      ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (source as Iterable<unknown>)[Symbol.iterator]();
  const interval = config.rate ? 1000 / config.rate : 0;
  let nextAt = performance.now();
  return {
    next: () => iterator.next() as IteratorResult<unknown> | Promise<IteratorResult<unknown>>,
    pace() {
      if (interval <= 0) return;
      sleepMs(nextAt - performance.now());
      nextAt = Math.max(nextAt + interval, performance.now() - interval);
    },
    async close() {
      await iterator.return?.();
    },
  };
}

/** A consumer's put-to-get latency: recorded per item (or per batch), posted about once a refresh. */
export interface LatencyRecorder {
  readonly histogram: Histogram;
  /** Posts what was recorded if a refresh has gone by since the last post. */
  tick(): void;
  /** Posts what was recorded (at the end). */
  flush(): void;
}

export async function latencyRecorder(
  post: (message: WorkerMessage) => void,
  refreshMs: number,
): Promise<LatencyRecorder> {
  // Imported here, not at the top: only consumers keep histograms, and loading the library takes
  // a worker tens of milliseconds of CPU at startup, which producers then leave to the others.
  const hdr = await import('hdr-histogram-js');
  const histogram = hdr.build({ numberOfSignificantValueDigits: 2 });
  let lastPost = performance.now();
  const flush = (): void => {
    if (histogram.totalCount === 0) return;
    post({ type: 'latency', histogram: hdr.encodeIntoCompressedBase64(histogram) });
    histogram.reset();
  };
  return {
    histogram,
    flush,
    tick() {
      if (performance.now() - lastPost < refreshMs) return;
      flush();
      lastPost = performance.now();
    },
  };
}

/**
 * Runs a worker's `main`, publishes how it ended — `done`, or `failed` with the message posted —
 * and ends the thread: a user module's timers, or its load left pending at the deadline, must not
 * keep a worker alive after its work (the run would wait for it forever). Messages posted before
 * go out first.
 */
export async function lifeOf(
  board: PipelineBoard,
  slot: number,
  post: (message: WorkerMessage) => void,
  main: () => Promise<void>,
): Promise<void> {
  try {
    await main();
    board.setState(slot, 'done');
  } catch (error) {
    board.setState(slot, 'failed');
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', message: e.message, stack: e.stack });
  }
  process.exit();
}
