/**
 * The entry of every producer and consumer worker of a pipeline run.
 *
 * It publishes its state and counts on the shared board (no locks, one writer per word), moves
 * items through the shared queue, and reports failures and latency histograms by message.
 * A producer ends when its budget or iterable runs out, or on stop/retire; a consumer ends when it
 * takes a sentinel (sentinel mode) or finds the queue shut down and drained (close mode).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { BoundedQueue, QueueEmpty, QueueFull, type QueueHandle, QueueShutDown, SENTINEL } from '../queue/index.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { PipelineBoard } from './metrics.js';
import type { PipelineConfig, WorkerRole } from './types.js';
import { loadConsumer, loadProducer, type WorkerContext } from './user-modules.js';
import { makeWork, mulberry32, sleepMs, workerSeed } from './workload.js';

export interface PipelineWorkerData {
  role: WorkerRole;
  index: number;
  slot: number;
  id: string;
  config: PipelineConfig;
  queue: QueueHandle;
  board: SharedHandle<'Block'>;
}

/** Messages a pipeline worker sends to the main thread. */
export type WorkerMessage =
  | { type: 'latency'; histogram: string }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'sentinel' };

const data = workerData as PipelineWorkerData;
const board = PipelineBoard.from(data.board);
const queue = BoundedQueue.from(data.queue);
const { slot, config } = data;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

const abort = new AbortController();
const seed = workerSeed(config.seed, slot);
const ctx: WorkerContext = { id: data.id, role: data.role, index: data.index, seed, signal: abort.signal };

/** While the run is paused (and not stopping), waits, shown as paused; then carries on as `busy`. */
function waitIfPaused(busy: 'producing' | 'consuming'): void {
  if (board.paused && !board.stopRequested && !board.isRetired(slot)) {
    board.setState(slot, 'paused');
    board.waitWhilePaused(slot);
    board.setState(slot, busy);
  }
}

/** Whether this producer should stop pulling items (and tells user code via ctx.signal). */
function shouldStop(): boolean {
  waitIfPaused('producing');
  if (board.stopRequested || board.isRetired(slot)) {
    abort.abort();
    return true;
  }
  return false;
}

/**
 * Puts one item, publishing "blocked on full" while the queue makes us wait. A queue seen full
 * goes straight to the blocking put: in a backed-up pipeline that is most puts, and a QueueFull
 * thrown (and its stack captured) for each of them cost more than the put itself.
 */
function put(item: unknown): void {
  if (queue.full() || !tryPut(item)) {
    whileBlocked('blocked-full', 'producing', (timeout) => queue.put(item, { timeout }), QueueFull);
  }
  board.addItem(slot);
}

/**
 * Waits on the queue (`attempt`: a put on a full one or a get from an empty one), shown as
 * blocked, a refresh at a time: a pause that comes meanwhile is honoured here too, so in a paused
 * run every worker is really paused and nothing moves until it resumes. Pause time is not counted
 * as blocked.
 */
function whileBlocked<T>(
  blocked: 'blocked-full' | 'blocked-empty',
  busy: 'producing' | 'consuming',
  attempt: (timeout: number) => T,
  gaveUp: typeof QueueFull | typeof QueueEmpty,
): T {
  board.beginBlocked(slot, blocked);
  try {
    for (;;) {
      try {
        return attempt(config.refreshMs);
      } catch (error) {
        if (!(error instanceof gaveUp)) throw error;
      }
      board.endBlocked(slot, busy);
      waitIfPaused(busy);
      board.beginBlocked(slot, blocked);
    }
  } finally {
    board.endBlocked(slot, busy);
  }
}

/** putNowait, as a boolean: false when the queue was full. */
function tryPut(item: unknown): boolean {
  try {
    queue.putNowait(item);
    return true;
  } catch (error) {
    if (error instanceof QueueFull) return false;
    throw error;
  }
}

const NOTHING = Symbol('nothing');

/** getNowait, or NOTHING when the queue was empty (or seen empty: see put). */
function tryGet(): unknown {
  if (queue.empty()) return NOTHING;
  try {
    return queue.getNowait();
  } catch (error) {
    if (error instanceof QueueEmpty) return NOTHING;
    throw error;
  }
}

function builtinItems(): Iterable<unknown> {
  const work = makeWork(config.work, config.produceMs, config.jitter, mulberry32(seed));
  let n = 0;
  return {
    [Symbol.iterator]: () => ({
      next: () => {
        work();
        return { done: false, value: slot * 1e9 + n++ };
      },
    }),
  };
}

async function runProducer(): Promise<void> {
  const source = config.producer ? (await loadProducer(config.producer))(ctx) : builtinItems();
  const interval = config.rate ? 1000 / config.rate : 0;
  let nextAt = performance.now();
  board.setState(slot, 'producing');
  const iterator =
    Symbol.asyncIterator in Object(source)
      ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (source as Iterable<unknown>)[Symbol.iterator]();
  try {
    let claimed = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: claim a new batch only when the last one is used up
    while (!shouldStop() && (claimed > 0 || (claimed = board.claimItems(64)) > 0)) {
      claimed--;
      const step = iterator.next();
      const result = step instanceof Promise ? await step : (step as IteratorResult<unknown>);
      if (result.done) break;
      if (interval > 0) {
        sleepMs(nextAt - performance.now());
        nextAt = Math.max(nextAt + interval, performance.now() - interval);
      }
      put(result.value);
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error; // the run is ending: stop quietly
  } finally {
    await iterator.return?.();
  }
}

async function runConsumer(): Promise<void> {
  const consume = config.consumer ? await loadConsumer(config.consumer) : undefined;
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const latency = hdr.build({ numberOfSignificantValueDigits: 2 });
  let lastPost = performance.now();
  const flush = (): void => {
    if (latency.totalCount === 0) return;
    post({ type: 'latency', histogram: hdr.encodeIntoCompressedBase64(latency) });
    latency.reset();
  };
  board.setState(slot, 'consuming');
  try {
    for (;;) {
      waitIfPaused('consuming');
      let item = tryGet();
      if (item === NOTHING) {
        item = whileBlocked('blocked-empty', 'consuming', (timeout) => queue.get({ timeout }), QueueEmpty);
      }
      if (item === SENTINEL) {
        post({ type: 'sentinel' });
        break;
      }
      const age = queue.lastItemAgeMs;
      if (consume) {
        const pending = consume(item, ctx);
        if (pending instanceof Promise) await pending;
      } else {
        work();
      }
      board.addItem(slot);
      latency.recordValue(Math.max(0, Math.round(age * 1000)));
      if (performance.now() - lastPost >= config.refreshMs) {
        flush();
        lastPost = performance.now();
      }
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error; // close mode: drained and shut down
  } finally {
    flush();
  }
}

try {
  await (data.role === 'producer' ? runProducer() : runConsumer());
  board.setState(slot, 'done');
} catch (error) {
  board.setState(slot, 'failed');
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'failed', message: e.message, stack: e.stack });
}
