/**
 * The entry of a worker whose queues are Redis streams: a producer, a stage worker or a consumer
 * of a `--broker` run, the loop of src/pipeline/worker-loop.ts over its links' streams
 * (stream-queues.ts; link i is the stream linkStream(stream, i)). The run's own workers and those
 * a `pipeline-tui worker` process adds from elsewhere are the same thread:
 * - a producer draws its items from the run's budget on the broker (claimItems), so producers
 *   everywhere share it exactly, makes them (the built-in workload or `--producer`'s module) and
 *   adds them with XADD, waiting while the stream is full;
 * - a consumer reads entries with XREADGROUP, a prefetch at a time (claiming those a dead consumer
 *   left), does the work (built-in, or `--consumer`'s module), acknowledges what it finished in
 *   batches without waiting for the reply (ack-batch.ts), and stops at its sentinel — or, in a
 *   worker process that leaves, once retired: between items, its buffer given back as it closes;
 * - a stage worker reads its input link's stream as a consumer does, passes each item through the
 *   stage's transform, and passes the results on to the next link's stream a batch at a time,
 *   with their entries acknowledged in the same script (forward-5.lua), waiting while that stream
 *   is full: so an item is passed on exactly once even when a stage worker is killed and its
 *   entries claimed.
 * Either one publishes its state and counts on a PipelineBoard slot — the run's board, or the
 * worker process's own, which that process publishes on the broker — as worker-main.ts does, and
 * honours pause, stop and retire the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PipelineBoard } from '../pipeline/metrics.js';
import type { PipelineConfig, WorkerRole } from '../pipeline/types.js';
import type { WorkerContext } from '../pipeline/user-modules.js';
import { latencyRecorder, lifeOf, openItems, Steering, type WorkerMessage } from '../pipeline/worker-life.js';
import {
  consumeAll,
  type LoopWorker,
  produceBatches,
  produceEach,
  producesBatches,
  withPermit,
} from '../pipeline/worker-loop.js';
import { makeWork, mulberry32, workerSeed } from '../pipeline/workload.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { AckBatch } from './ack-batch.js';
import { BrokerSemaphore } from './broker-semaphore.js';
import type { BrokerAddress } from './broker-url.js';
import { claimItems, giveBackItems, linkStream, poolName, runKey } from './remote-board.js';
import { type StreamEntry, StreamQueue } from './stream-queue.js';
import { StreamInlet, StreamOutlet, StreamStageInlet } from './stream-queues.js';

/** Most entries a consumer reads at a time: with no work per item, as many as a lean consumer reads. */
const PREFETCH_MAX = 100;
/** With built-in work per item, a consumer reads about this much work at a time. */
const PREFETCH_MS = 50;
/** With the user's module (its time per item unknown), a consumer reads this many at a time. */
const MODULE_PREFETCH = 4;
/**
 * A stage worker reads this many at a time, and passes their results on in one script (fewer when
 * its transform is slow: StreamStageInlet passes on what has waited ACK_DELAY_MS).
 */
const STAGE_PREFETCH = 16;

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
  role: WorkerRole;
  /** Its stage in the run's chain (0: producers, last: consumers): it takes from link stage - 1, puts on link stage. */
  stage: number;
  index: number;
  slot: number;
  /** `P1`, `S1.2`, `C3` in the run; `C2@host:pid` in a worker process. */
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

/** The worker the loop runs in, on `queue`. */
function loopWorker(queue: StreamQueue, share?: number): LoopWorker {
  return {
    ...{ board, slot, busy, refreshMs: config.refreshMs, steering, post },
    async claim(max) {
      const claimed = await claimItems(queue.redis, wiring.stream, max, queue.once, share);
      claimedItems += claimed;
      return claimed;
    },
    givesUp: () => abort.signal.aborted || board.isRetired(slot),
  };
}

async function runProducer(queue: StreamQueue): Promise<void> {
  // A producer retired while it waits for room (the run failed: the consumers may be gone) gives up the wait.
  const watch = setInterval(() => board.isRetired(slot) && abort.abort(), config.refreshMs);
  const runId = await queue.redis.hget(runKey(wiring.stream), 'runId');
  try {
    const batches = producesBatches(config);
    // Shown as starting until its module is loaded: a producer still loading is not a stalled run.
    const items = batches ? undefined : await openItems(config, ctx, slot);
    board.setState(slot, 'producing');
    // Whole claims take a share of the budget of one: the items are made at once.
    const worker = loopWorker(queue, batches ? 1 : undefined);
    const outlet = new StreamOutlet(queue, worker);
    if (items === undefined) return await produceBatches(worker, outlet);
    try {
      await produceEach(worker, outlet, items);
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
  const worker = loopWorker(queue);
  const handleOne = (item: unknown) => {
    const handled = consume ? consume(item, ctx) : work();
    return handled instanceof Promise ? queue.whileHandling(handled) : handled;
  };
  const keepFresh = () => queue.keepFresh();
  const handle = (item: unknown) => withPermit(worker, pool, () => handleOne(item), keepFresh);
  try {
    // With work per item, one at a time from the buffer (its entries are kept fresh meanwhile).
    await consumeAll(
      worker,
      new StreamInlet(queue, worker, { acks, latency: latency.histogram }),
      noWork ? undefined : handle,
      latency.tick,
    );
  } finally {
    // What was finished is acknowledged even when the consumer fails (else another would redo it).
    await acks.settle().catch(() => {});
    acks.close();
    latency.flush();
  }
}

/** A stage worker: each entry of `input` through the transform, forwarded to `output` (see the header). */
async function runStage(input: StreamQueue, output: StreamQueue): Promise<void> {
  const { loadTransform } = await import('../pipeline/user-modules.js');
  const transform = await loadTransform(config.stages[data.stage - 1]!.module);
  board.setState(slot, 'consuming');
  const worker = loopWorker(input);
  const inlet = new StreamStageInlet(input, output, worker);
  const handle = (item: unknown, entry: StreamEntry): void | Promise<void> => {
    const result = transform(item, ctx);
    if (!(result instanceof Promise)) return inlet.hold(entry, result);
    return input.whileHandling(result.then((next) => inlet.hold(entry, next)));
  };
  await consumeAll(worker, inlet, handle, () => {});
}

async function main(): Promise<void> {
  // A consumer's histogram library loads (CPU) while its connection is made (the network).
  if (data.role === 'consumer') void import('hdr-histogram-js').catch(() => {});
  const noWork = !config.consumer && config.consumeMs <= 0 && config.pool === undefined;
  // The run's broker answered: one restarting is waited for, until the run gives up on it.
  const connect = { retryFirstWhile: () => !board.stopRequested && !board.isRetired(slot) };
  /** Link `link`'s stream, read as this worker (`reads`) or only put on. */
  const open = (link: number, reads: boolean): Promise<StreamQueue> =>
    StreamQueue.open(
      wiring.address,
      {
        ...{ stream: linkStream(wiring.stream, link), group: wiring.group, capacity: wiring.capacity },
        ...{ consumer: reads ? data.id : undefined, claimIdleMs: wiring.claimIdleMs },
        batch: data.role === 'stage' ? STAGE_PREFETCH : prefetch(config),
      },
      connect,
    );
  const input = data.role === 'producer' ? undefined : await open(data.stage - 1, true);
  let output: StreamQueue | undefined;
  let pool: BrokerSemaphore | undefined;
  try {
    if (data.role !== 'consumer') output = await open(data.stage, false);
    // The run's --pool: a semaphore on the broker, shared by its consumers wherever they run.
    if (data.role === 'consumer' && config.pool !== undefined)
      pool = await BrokerSemaphore.open(wiring.address, { name: poolName(wiring.stream), value: config.pool }, connect);
    if (data.role === 'producer') await runProducer(output!);
    else if (data.role === 'stage') await runStage(input!, output!);
    else await runConsumer(input!, noWork, pool);
  } finally {
    await Promise.all([input?.close(), output?.close(), pool?.close()]);
  }
}

await lifeOf(board, slot, post, main);
