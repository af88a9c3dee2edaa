/**
 * The entry of a worker whose queue is a Redis stream: a producer or a consumer of a `--broker`
 * run. The run's own workers and those a `pipeline-tui worker` process adds from elsewhere are
 * the same thread:
 * - a producer draws its items from the run's budget on the broker (claimItems), so producers
 *   everywhere share it exactly, makes them (the built-in workload or `--producer`'s module) and
 *   adds them with XADD, waiting while the stream is full;
 * - a consumer reads entries with XREADGROUP (claiming those a dead consumer left), does the work
 *   (built-in, or `--consumer`'s module), acknowledges each, and stops at its sentinel — or, in a
 *   worker process that leaves, once retired: between items, its buffer given back as it closes.
 * Either one publishes its state and counts on a PipelineBoard slot — the run's board, or the
 * worker process's own, which that process publishes on the broker — as worker-main.ts does, and
 * honours pause, stop and retire the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PipelineBoard } from '../pipeline/metrics.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { loadConsumer, type WorkerContext } from '../pipeline/user-modules.js';
import { latencyRecorder, lifeOf, openItems, Steering, type WorkerMessage } from '../pipeline/worker-life.js';
import { makeWork, mulberry32, workerSeed } from '../pipeline/workload.js';
import { SENTINEL } from '../queue/sentinel.js';
import type { SharedHandle } from '../sync/shared-object.js';
import type { BrokerAddress } from './broker-url.js';
import { claimItems as claimFromBudget, giveBackItems, runKey } from './remote-board.js';
import { StreamQueue } from './stream-queue.js';

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
  board: SharedHandle<'Block'>;
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
 * work, so each claim of the budget (up to 64 items) goes in with as few put scripts as the room
 * allows — looking for stop, retire and pause before each, as worker-main's produceBatches does,
 * and waiting with a one-item put on a full stream.
 */
async function produceBatches(queue: StreamQueue): Promise<void> {
  const items: number[] = [];
  let n = 0;
  while (!steering.shouldStop()) {
    const claimed = await claimItems(queue.redis, wiring.stream, 64);
    if (claimed === 0) return;
    items.length = 0;
    for (let i = 0; i < claimed; i++) items.push(slot * 1e9 + n++);
    for (let done = 0; done < claimed; ) {
      if (done > 0 && steering.shouldStop()) return;
      const added = await queue.putFitting(items.slice(done));
      if (added > 0) board.addItems(slot, added);
      else if (!(await putOne(queue, items[done]))) return;
      done += Math.max(added, 1);
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
      // Items are claimed from the run's budget 64 at a time, a new claim once the last is used up.
      for (let claimed = 0; !steering.shouldStop(); claimed--) {
        if (claimed === 0) claimed = await claimItems(queue.redis, wiring.stream, 64);
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

async function runConsumer(queue: StreamQueue): Promise<void> {
  const consume = config.consumer ? await loadConsumer(config.consumer) : undefined;
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const latency = await latencyRecorder(post, config.refreshMs);
  board.setState(slot, 'consuming');
  try {
    for (;;) {
      steering.waitIfPaused();
      // Retired: its worker process is leaving. The item in hand is done and acknowledged; close()
      // gives the buffer back and leaves the group.
      if (board.isRetired(slot)) return;
      let entry = queue.buffered ? await queue.get() : undefined;
      if (entry === undefined) {
        // Shown as blocked while the stream is empty, a refresh at a time so a pause (or retire) is honoured.
        board.beginBlocked(slot, 'blocked-empty');
        try {
          for (;;) {
            entry = await queue.get({ timeoutMs: config.refreshMs });
            if (entry !== undefined || board.isRetired(slot)) break;
            board.endBlocked(slot, busy);
            steering.waitIfPaused();
            board.beginBlocked(slot, 'blocked-empty');
          }
        } finally {
          board.endBlocked(slot, busy);
        }
        if (entry === undefined) return;
      }
      if (entry.item === SENTINEL) {
        await queue.ack(entry);
        post({ type: 'sentinel' });
        return;
      }
      if (consume) {
        const pending = consume(entry.item, ctx);
        if (pending instanceof Promise) await pending;
      } else work();
      // A duplicate (another consumer claimed it meanwhile and acknowledged it first) was counted by them.
      if ((await queue.ack(entry)) === 'acked') board.addItem(slot);
      const ageMs = Date.now() - entry.putAtMs; // NaN for an entry pipeline-tui did not put
      if (Number.isFinite(ageMs)) latency.histogram.recordValue(Math.max(0, Math.round(ageMs * 1000)));
      latency.tick();
    }
  } finally {
    latency.flush();
  }
}

async function main(): Promise<void> {
  const queue = await StreamQueue.open(wiring.address, {
    ...{ stream: wiring.stream, group: wiring.group, capacity: wiring.capacity },
    ...{ consumer: data.role === 'consumer' ? data.id : undefined, claimIdleMs: wiring.claimIdleMs },
  });
  try {
    await (data.role === 'producer' ? runProducer(queue) : runConsumer(queue));
  } finally {
    await queue.close();
  }
}

await lifeOf(board, slot, post, main);
