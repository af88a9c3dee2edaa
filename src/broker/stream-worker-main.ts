/**
 * The entry of a worker whose queue is a Redis stream: a producer or a consumer of a `--broker`
 * run. The run's own workers and those a `pipeline-tui worker` process adds from elsewhere are
 * the same thread:
 * - a producer draws its items from the run's budget on the broker (claimItems), so producers
 *   everywhere share it exactly, makes them (the built-in workload or `--producer`'s module) and
 *   adds them with XADD, waiting while the stream is full;
 * - a consumer reads entries with XREADGROUP, a prefetch at a time (claiming those a dead consumer
 *   left), does the work (built-in, or `--consumer`'s module) holding a permit of the run's
 *   `--pool` if it has one (a BrokerSemaphore on the broker), acknowledges what it finished in
 *   batches without waiting for the reply (ack-batch.ts), and stops at its sentinel — or, in a
 *   worker process that leaves, once retired: between items, its buffer given back as it closes.
 * Either one publishes its state and counts on a PipelineBoard slot — the run's board, or the
 * worker process's own, which that process publishes on the broker — as worker-main.ts does, and
 * honours pause, stop and retire the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PipelineBoard } from '../pipeline/metrics.js';
import type { PipelineConfig } from '../pipeline/types.js';
import type { WorkerContext } from '../pipeline/user-modules.js';
import { latencyRecorder, lifeOf, openItems, Steering, type WorkerMessage } from '../pipeline/worker-life.js';
import { CLAIM_SIZE, ITEM_ID_STRIDE, makeWork, mulberry32, workerSeed } from '../pipeline/workload.js';
import { SENTINEL } from '../queue/sentinel.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { AckBatch } from './ack-batch.js';
import { BrokerSemaphore } from './broker-semaphore.js';
import type { BrokerAddress } from './broker-url.js';
import { claimItems as claimFromBudget, giveBackItems, poolName, runKey } from './remote-board.js';
import { type StreamEntry, StreamQueue } from './stream-queue.js';

/** Most entries a consumer reads at a time: with no work per item, as many as a lean consumer reads. */
const PREFETCH_MAX = 100;
/** With built-in work per item, a consumer reads about this much work at a time. */
const PREFETCH_MS = 50;
/** With the user's module (its time per item unknown), a consumer reads this many at a time. */
const MODULE_PREFETCH = 4;

/**
 * A consumer's prefetch: enough that reading is a small part of its time, few enough that the
 * items it holds do not keep other consumers idle (at the end of a run, say).
 */
function prefetch(config: PipelineConfig): number {
  if (config.consumer) return MODULE_PREFETCH;
  if (config.consumeMs <= 0) return PREFETCH_MAX;
  return Math.min(PREFETCH_MAX, Math.max(1, Math.round(PREFETCH_MS / config.consumeMs)));
}

/** Where the stream is, and how the run uses it. */
export interface StreamWiring {
  /** Where the broker is, password included: only for connecting, never shown. */
  address: BrokerAddress;
  stream: string;
  group: string;
  capacity: number;
  claimIdleMs: number;
}

export interface StreamWorkerData {
  role: 'producer' | 'consumer';
  index: number;
  slot: number;
  /** `P1`, `C3` in the run; `C2@host:pid` in a worker process. */
  id: string;
  config: PipelineConfig;
  board: SharedHandle<'PipelineBoard'>;
  /** Stages on `board` (it is sized for them). */
  boardStages: number;
  wiring: StreamWiring;
}

const data = workerData as StreamWorkerData;
const { slot, config, wiring } = data;
const board = PipelineBoard.from(data.board, data.boardStages);
const busy = data.role === 'producer' ? 'producing' : 'consuming';
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
const steering = new Steering(board, slot, busy);
const { abort } = steering;
const seed = workerSeed(config.seed, slot);
const ctx: WorkerContext = { id: data.id, role: data.role, index: data.index, seed, signal: abort.signal };

/** Items this producer claimed from the run's budget: those it did not put go back when it ends. */
let claimedItems = 0;
const claimItems = async (...args: Parameters<typeof claimFromBudget>): Promise<number> => {
  const claimed = await claimFromBudget(...args);
  claimedItems += claimed;
  return claimed;
};

/** Waits for room on a full stream, shown as blocked; false if the producer was retired meanwhile. */
async function waitForRoom(queue: StreamQueue): Promise<boolean> {
  board.beginBlocked(slot, 'blocked-full');
  try {
    await queue.waitForRoom();
  } finally {
    board.endBlocked(slot, busy);
  }
  return !abort.signal.aborted;
}

/**
 * Puts one item, shown as blocked while the stream is full. False if the producer was retired
 * meanwhile (the run failed: the consumers may be gone): the item is then neither put nor counted.
 */
async function putOne(queue: StreamQueue, item: unknown): Promise<boolean> {
  let waited = false;
  const onFull = (): void => {
    waited = true;
    board.beginBlocked(slot, 'blocked-full');
  };
  try {
    await queue.put(item, { onFull, signal: abort.signal });
    board.addItem(slot);
    return true;
  } catch (error) {
    if (abort.signal.aborted) return false;
    throw error;
  } finally {
    if (waited) board.endBlocked(slot, busy);
  }
}

/**
 * The built-in producer with no work per item and no --rate: a round trip per item was all its
 * work, so each claim of the budget goes in with one put script, or a few when the room is short
 * — looking for stop, retire and pause before each, as worker-main's produceBatches does, and
 * waiting on a full stream until a consumer's read makes room.
 */
async function produceBatches(queue: StreamQueue): Promise<void> {
  let n = 0;
  while (!steering.shouldStop()) {
    const claimed = await claimItems(queue.redis, wiring.stream, CLAIM_SIZE, queue.once, 1);
    if (claimed === 0) return;
    const items = Array.from({ length: claimed }, () => slot * ITEM_ID_STRIDE + n++);
    for (let done = 0; done < claimed; ) {
      if (done > 0 && steering.shouldStop()) return;
      const added = await queue.putFitting(items.slice(done));
      board.addItems(slot, added);
      done += added;
      if (added === 0 && !(await waitForRoom(queue))) return;
    }
  }
}

async function runProducer(queue: StreamQueue): Promise<void> {
  // A producer retired while it waits for room (the run failed: the consumers may be gone) gives up the wait.
  const watch = setInterval(() => board.isRetired(slot) && abort.abort(), config.refreshMs);
  const runId = await queue.redis.hget(runKey(wiring.stream), 'runId');
  try {
    const batches = !config.producer && config.produceMs <= 0 && !config.rate;
    // Shown as starting until its module is loaded: a producer still loading is not a stalled run.
    const items = batches ? undefined : await openItems(config, ctx, slot);
    board.setState(slot, 'producing');
    if (items === undefined) return await produceBatches(queue);
    try {
      // Items are claimed from the run's budget CLAIM_SIZE at a time, a new claim once the last is used up.
      for (let claimed = 0; !steering.shouldStop(); claimed--) {
        if (claimed === 0) claimed = await claimItems(queue.redis, wiring.stream, CLAIM_SIZE, queue.once);
        if (claimed === 0) break;
        const step = items.next();
        const result = step instanceof Promise ? await step : step;
        if (result.done) break;
        items.pace();
        if (!(await putOne(queue, result.value))) break;
      }
    } finally {
      await items.close();
    }
  } finally {
    clearInterval(watch);
    // Stopped before its claims were used up (its worker process left the run): the rest is the run's.
    const unused = claimedItems - board.items(slot);
    if (runId !== null) await giveBackItems(queue.redis, wiring.stream, runId, unused).catch(() => {});
  }
}

/** The next entries: what is buffered at once, else waiting, shown as blocked while the stream is empty. */
async function nextEntries(queue: StreamQueue, max: number): Promise<StreamEntry[]> {
  if (queue.buffered) return queue.take(max);
  // A refresh at a time, so a pause is honoured.
  board.beginBlocked(slot, 'blocked-empty');
  try {
    for (;;) {
      const entries = await queue.take(max, { timeoutMs: config.refreshMs });
      if (entries.length > 0 || board.isRetired(slot)) return entries;
      board.endBlocked(slot, busy);
      steering.waitIfPaused();
      board.beginBlocked(slot, 'blocked-empty');
    }
  } finally {
    board.endBlocked(slot, busy);
  }
}

/**
 * Takes a permit of the run's `--pool` on the broker (a no-op without one), waiting a refresh at a
 * time so a pause is honoured; the wait and the acquisition are published on the board, as
 * worker-main's acquirePermit does with the shared-memory pool.
 */
async function acquirePermit(pool: BrokerSemaphore | undefined): Promise<void> {
  if (pool === undefined) return;
  const waited = !(await pool.acquire({ blocking: false }));
  if (waited) {
    board.beginPoolWait(slot);
    try {
      while (!(await pool.acquire({ timeout: config.refreshMs }))) {
        board.endPoolWait(slot);
        steering.waitIfPaused();
        board.beginPoolWait(slot);
      }
    } finally {
      board.endPoolWait(slot);
    }
  }
  board.poolAcquired(slot, waited);
}

async function releasePermit(pool: BrokerSemaphore | undefined): Promise<void> {
  if (pool === undefined) return;
  board.poolReleasing();
  await pool.release();
}

async function runConsumer(queue: StreamQueue, noWork: boolean, pool: BrokerSemaphore | undefined): Promise<void> {
  // The module loader only for a module; the histogram library was loading while the queue connected.
  const consume = config.consumer
    ? await (await import('../pipeline/user-modules.js')).loadConsumer(config.consumer)
    : undefined;
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const latency = await latencyRecorder(post, config.refreshMs);
  // A duplicate (another consumer claimed it meanwhile and acknowledged it first) was counted by them.
  const acks = new AckBatch(queue, (acked) => board.addItems(slot, acked));
  board.setState(slot, 'consuming');
  try {
    for (;;) {
      // Nothing finished waits through a pause; otherwise what is held goes when due or when the batch is done.
      if (board.paused) acks.flush();
      steering.waitIfPaused();
      // Retired: its worker process is leaving. What it finished is acknowledged (finally, below);
      // close() gives the buffer back and leaves the group.
      if (board.isRetired(slot)) return;
      // With work per item, one at a time from the buffer (its entries are kept fresh meanwhile).
      for (const entry of await nextEntries(queue, noWork ? queue.batch : 1)) {
        if (entry.item === SENTINEL) {
          await acks.settle();
          await queue.ackMany([entry]);
          post({ type: 'sentinel' });
          return;
        }
        await acquirePermit(pool);
        try {
          if (consume) {
            const pending = consume(entry.item, ctx);
            if (pending instanceof Promise) await pending;
          } else work();
        } finally {
          await releasePermit(pool);
        }
        acks.add(entry);
        const ageMs = Date.now() - entry.putAtMs; // NaN for an entry pipeline-tui did not put
        if (Number.isFinite(ageMs)) latency.histogram.recordValue(Math.max(0, Math.round(ageMs * 1000)));
        acks.flushIfDue();
      }
      if (!queue.buffered) acks.flush(); // the batch read is done
      latency.tick();
    }
  } finally {
    // What was finished is acknowledged even when the consumer fails (else another would redo it).
    await acks.settle().catch(() => {});
    acks.close();
    latency.flush();
  }
}

async function main(): Promise<void> {
  // A consumer's histogram library loads (CPU) while its connection is made (the network).
  if (data.role === 'consumer') void import('hdr-histogram-js').catch(() => {});
  const noWork = !config.consumer && config.consumeMs <= 0 && config.pool === undefined;
  // The run's broker answered: one restarting is waited for, until the run gives up on it.
  const connect = { retryFirstWhile: () => !board.stopRequested && !board.isRetired(slot) };
  const queue = await StreamQueue.open(
    wiring.address,
    {
      ...{ stream: wiring.stream, group: wiring.group, capacity: wiring.capacity },
      ...{ consumer: data.role === 'consumer' ? data.id : undefined, claimIdleMs: wiring.claimIdleMs },
      batch: prefetch(config),
    },
    connect,
  );
  let pool: BrokerSemaphore | undefined;
  try {
    // The run's --pool: a semaphore on the broker, shared by its consumers wherever they run.
    if (data.role === 'consumer' && config.pool !== undefined)
      pool = await BrokerSemaphore.open(wiring.address, { name: poolName(wiring.stream), value: config.pool }, connect);
    await (data.role === 'producer' ? runProducer(queue) : runConsumer(queue, noWork, pool));
  } finally {
    await Promise.all([queue.close(), pool?.close()]);
  }
}

await lifeOf(board, slot, post, main);
