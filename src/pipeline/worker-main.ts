/**
 * The entry of every pipeline worker: a producer, a stage worker or a consumer.
 *
 * A producer puts items on its output link; a consumer takes them from its input link; a stage
 * worker is both, a consumer of one link and a producer of the next, with the stage's transform
 * in between. Each publishes its state and counts on the shared board (no locks, one writer per
 * word) and reports failures and latency histograms by message.
 * A producer ends when its budget or iterable runs out, or on stop/retire; a stage worker or a
 * consumer ends when it takes a sentinel (sentinel mode) or finds its input link shut down and
 * drained (close mode, or a failure).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BoundedQueue, QueueEmpty, QueueFull, type QueueHandle, QueueShutDown, SENTINEL } from '../queue/index.js';
import { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { PipelineBoard } from './metrics.js';
import type { PipelineConfig, WorkerRole } from './types.js';
import { loadConsumer, loadTransform, type WorkerContext } from './user-modules.js';
import {
  type LatencyRecorder,
  latencyRecorder,
  lifeOf,
  openItems,
  Steering,
  type WorkerMessage,
} from './worker-life.js';
import { CLAIM_SIZE, ITEM_ID_STRIDE, makeWork, mulberry32, workerSeed } from './workload.js';

export type { WorkerMessage };

export interface PipelineWorkerData {
  role: WorkerRole;
  /** Its stage in the chain (0: producers, last: consumers). */
  stage: number;
  index: number;
  slot: number;
  id: string;
  config: PipelineConfig;
  /** The link it takes items from (stage workers, consumers). */
  input?: QueueHandle;
  /** The link it puts items on (producers, stage workers). */
  output?: QueueHandle;
  board: SharedHandle<'PipelineBoard'>;
  /** The `--pool` semaphore, for the consumers of a run that has one. */
  pool?: SharedHandle<'BoundedSemaphore'>;
}

const data = workerData as PipelineWorkerData;
const { slot, config } = data;
const board = PipelineBoard.from(data.board, config.stages.length + 2);
const input = data.input ? BoundedQueue.from(data.input) : undefined;
const output = data.output ? BoundedQueue.from(data.output) : undefined;
const pool = data.pool ? BoundedSemaphore.from(data.pool) : undefined;
const busy = data.role === 'producer' ? 'producing' : 'consuming';
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

const steering = new Steering(board, slot, busy);
const seed = workerSeed(config.seed, slot);
const ctx: WorkerContext = { id: data.id, role: data.role, index: data.index, seed, signal: steering.abort.signal };
const waitIfPaused = (): void => steering.waitIfPaused();
const shouldStop = (): boolean => steering.shouldStop();

/**
 * Puts one item on the output link, publishing "blocked on full" while it makes us wait. A link
 * seen full goes straight to the blocking put: in a backed-up pipeline that is most puts, and a
 * QueueFull thrown (and its stack captured) for each of them cost more than the put itself.
 */
function put(item: unknown): void {
  const queue = output!;
  if (queue.full() || !tryPut(queue, item)) {
    whileBlocked('blocked-full', (timeout) => queue.put(item, { timeout }), QueueFull);
  }
}

/**
 * Waits on a link (`attempt`: a put on a full one or a get from an empty one), shown as blocked,
 * a refresh at a time: a pause that comes meanwhile is honoured here too, so in a paused run every
 * worker is really paused and nothing moves until it resumes. Pause time is not counted as blocked.
 */
function whileBlocked<T>(
  blocked: 'blocked-full' | 'blocked-empty',
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
      waitIfPaused();
      board.beginBlocked(slot, blocked);
    }
  } finally {
    board.endBlocked(slot, busy);
  }
}

/** putNowait, as a boolean: false when the queue was full. */
function tryPut(queue: BoundedQueue<unknown>, item: unknown): boolean {
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
function tryGet(queue: BoundedQueue<unknown>): unknown {
  if (queue.empty()) return NOTHING;
  try {
    return queue.getNowait();
  } catch (error) {
    if (error instanceof QueueEmpty) return NOTHING;
    throw error;
  }
}

/**
 * The items of the input link, until this worker's sentinel (reported to the main thread, which
 * counts what is still queued). A link shut down and drained throws QueueShutDown out of the loop.
 */
function* takeItems(): Generator<unknown, void, undefined> {
  const queue = input!;
  for (;;) {
    waitIfPaused();
    let item = tryGet(queue);
    if (item === NOTHING) item = whileBlocked('blocked-empty', (timeout) => queue.get({ timeout }), QueueEmpty);
    if (item === SENTINEL) {
      post({ type: 'sentinel' });
      return;
    }
    yield item;
  }
}

/**
 * Takes a permit of the `--pool` (a no-op without one), waiting a refresh at a time so a pause
 * is honoured meanwhile; the wait is published on the board, and so is every acquisition.
 */
function acquirePermit(): void {
  if (pool === undefined) return;
  const waited = !pool.acquire({ blocking: false });
  if (waited) {
    board.beginPoolWait(slot);
    try {
      while (!pool.acquire({ timeout: config.refreshMs })) {
        board.endPoolWait(slot);
        waitIfPaused();
        board.beginPoolWait(slot);
      }
    } finally {
      board.endPoolWait(slot);
    }
  }
  board.poolAcquired(slot, waited);
}

function releasePermit(): void {
  if (pool === undefined) return;
  board.poolReleasing();
  pool.release();
}

/**
 * Puts what fits of items[from..] on the output link without waiting, under one lock hold: how
 * many went in (0 when the link is full). Sized by the room seen, so it rarely throws QueueFull.
 */
function putFitting(items: number[], from: number): number {
  const queue = output!;
  const n = Math.min(items.length - from, queue.capacity - queue.qsize());
  if (n <= 0) return 0;
  try {
    queue.putMany(from === 0 && n === items.length ? items : items.slice(from, from + n), { block: false });
    return n;
  } catch (error) {
    if (error instanceof QueueFull) return error.putCount; // another producer took some of the room
    throw error;
  }
}

/**
 * The built-in producer with no work per item and no --rate: a put, a stop check and a board
 * store per item were all its work, so it puts each claim of the budget (up to 64 items) in as
 * few putMany calls as the room allows, counting each on the board. It stops, retires and pauses
 * as the per-item loop does: it looks before each chunk, and a chunk goes in at once, so nothing
 * goes in after a wait without a look first; on a full link it waits with a put of one item.
 */
function produceBatches(): void {
  const items: number[] = [];
  let n = 0;
  while (!shouldStop()) {
    const claimed = board.claimItems(CLAIM_SIZE);
    if (claimed === 0) return;
    items.length = claimed;
    for (let i = 0; i < claimed; i++) items[i] = slot * ITEM_ID_STRIDE + n++;
    for (let done = 0; done < claimed; ) {
      if (done > 0 && shouldStop()) return;
      const fits = putFitting(items, done);
      if (fits > 0) {
        board.addItems(slot, fits);
        done += fits;
      } else {
        put(items[done]);
        board.addItem(slot);
        done++;
      }
    }
  }
}

async function runProducer(): Promise<void> {
  if (!config.producer && config.produceMs <= 0 && !config.rate) {
    board.setState(slot, 'producing');
    try {
      return produceBatches();
    } catch (error) {
      if (!(error instanceof QueueShutDown)) throw error; // the run is ending: stop quietly
      return;
    }
  }
  const items = await openItems(config, ctx, slot);
  board.setState(slot, 'producing');
  try {
    let claimed = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: claim a new batch only when the last one is used up
    while (!shouldStop() && (claimed > 0 || (claimed = board.claimItems(CLAIM_SIZE)) > 0)) {
      claimed--;
      const step = items.next();
      const result = step instanceof Promise ? await step : step;
      if (result.done) break;
      items.pace();
      put(result.value);
      board.addItem(slot);
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error; // the run is ending: stop quietly
  } finally {
    await items.close();
  }
}

/** A stage worker: each item of the input link through the transform, and on to the output link. */
async function runStage(): Promise<void> {
  const transform = await loadTransform(config.stages[data.stage - 1]!.module);
  board.setState(slot, 'consuming');
  try {
    for (const item of takeItems()) {
      const result = transform(item, ctx);
      const next = result instanceof Promise ? await result : result;
      if (next === undefined) board.addDropped(slot);
      else {
        put(next);
        board.addOut(slot);
      }
      board.addItem(slot);
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error; // a link shut down: drained, or the run failed
  }
}

/** Most items the built-in consumer takes at once when it has no work per item (see takeBatches). */
const BATCH = 64;

/** Up to BATCH items of the input link (at least one), waiting for the first as takeItems does. */
function takeBatch(queue: BoundedQueue<unknown>): unknown[] {
  waitIfPaused();
  if (!queue.empty()) {
    try {
      return queue.getMany(BATCH, { block: false });
    } catch (error) {
      if (!(error instanceof QueueEmpty)) throw error;
    }
  }
  return whileBlocked('blocked-empty', (timeout) => queue.getMany(BATCH, { timeout }), QueueEmpty);
}

/**
 * The built-in consumer with nothing to do per item (no module, no --consume-ms, no --pool): the
 * per-item costs — a lock round trip, a clock read, a histogram record, a board store — were all
 * of its work, so it takes what is queued, up to BATCH items under one lock hold, and counts them
 * once per batch. Each batch's items are recorded with the age of its youngest (the last taken,
 * the only one the queue reports): a batch is taken from a backed-up queue, where its items were
 * put microseconds apart and have waited for the whole queue ahead of them.
 * getMany does not stop at a sentinel. A batch holding this worker's sentinel may also hold the
 * ones queued behind it for other consumers: those go back, still behind every item. After a
 * removal mid-run it may hold items put after the sentinel: they cannot go back without passing
 * items put after them, so this worker counts them as its own and leaves.
 */
function takeBatches(latency: LatencyRecorder): void {
  const queue = input!;
  for (;;) {
    const batch = takeBatch(queue);
    let sentinels = 0;
    for (const item of batch) if (item === SENTINEL) sentinels++;
    const items = batch.length - sentinels;
    if (items > 0) {
      board.addItems(slot, items);
      latency.histogram.recordValueWithCount(Math.max(0, Math.round(queue.lastItemAgeMs * 1000)), items);
    }
    if (sentinels > 0) {
      post({ type: 'sentinel' });
      for (let i = 1; i < sentinels; i++) {
        if (!tryPut(queue, SENTINEL))
          whileBlocked('blocked-full', (timeout) => queue.put(SENTINEL, { timeout }), QueueFull);
      }
      return;
    }
    latency.tick();
  }
}

async function runConsumer(): Promise<void> {
  const consume = config.consumer ? await loadConsumer(config.consumer) : undefined;
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const latency = await latencyRecorder(post, config.refreshMs);
  board.setState(slot, 'consuming');
  try {
    if (!consume && config.consumeMs <= 0 && pool === undefined) return takeBatches(latency);
    for (const item of takeItems()) {
      const age = input!.lastItemAgeMs;
      acquirePermit();
      try {
        if (consume) {
          const pending = consume(item, ctx);
          if (pending instanceof Promise) await pending;
        } else {
          work();
        }
      } finally {
        releasePermit();
      }
      board.addItem(slot);
      latency.histogram.recordValue(Math.max(0, Math.round(age * 1000)));
      latency.tick();
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error; // close mode: drained and shut down
  } finally {
    latency.flush();
  }
}

const RUN: Record<WorkerRole, () => Promise<void>> = { producer: runProducer, stage: runStage, consumer: runConsumer };

await lifeOf(board, slot, post, RUN[data.role]);
