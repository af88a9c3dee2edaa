/**
 * The entry of every shared-memory pipeline worker: a producer, a stage worker or a consumer, each
 * the loop of worker-loop.ts over its links' queues (shared-memory-queues.ts).
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
import { BoundedQueue, type QueueHandle, QueueShutDown } from '../queue/index.js';
import { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { PipelineBoard } from './metrics.js';
import { LinkInlet, LinkOutlet } from './shared-memory-queues.js';
import type { PipelineConfig, WorkerRole } from './types.js';
import { loadConsumer, loadTransform, type WorkerContext } from './user-modules.js';
import { latencyRecorder, lifeOf, openItems, Steering, type WorkerMessage } from './worker-life.js';
import {
  consumeAll,
  type LoopWorker,
  produceBatches,
  produceEach,
  producesBatches,
  putOne,
  withPermit,
} from './worker-loop.js';
import { makeWork, mulberry32, workerSeed } from './workload.js';

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
const worker: LoopWorker = {
  ...{ board, slot, busy, refreshMs: config.refreshMs, steering, post },
  claim: (max) => board.claimItems(max),
  givesUp: () => false, // a link is shut down under a worker that must not wait for it
};
const outlet = output && new LinkOutlet(output, worker);

/** A link shut down (close mode, or the run failed) ends the worker quietly: drained, or stopping. */
async function untilShutDown(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error;
  }
}

async function runProducer(): Promise<void> {
  if (producesBatches(config)) {
    board.setState(slot, 'producing');
    return untilShutDown(() => produceBatches(worker, outlet!));
  }
  const items = await openItems(config, ctx, slot);
  board.setState(slot, 'producing');
  try {
    await untilShutDown(() => produceEach(worker, outlet!, items));
  } finally {
    await items.close();
  }
}

/** A stage worker: each item of the input link through the transform, and on to the output link. */
async function runStage(): Promise<void> {
  const transform = await loadTransform(config.stages[data.stage - 1]!.module);
  board.setState(slot, 'consuming');
  const handle = async (item: unknown): Promise<void> => {
    const result = transform(item, ctx);
    const next = result instanceof Promise ? await result : result;
    if (next === undefined) board.addDropped(slot);
    else {
      await putOne(outlet!, next);
      board.addOut(slot);
    }
  };
  await untilShutDown(() => consumeAll(worker, new LinkInlet(input!, worker), handle, () => {}));
}

async function runConsumer(): Promise<void> {
  const consume = config.consumer ? await loadConsumer(config.consumer) : undefined;
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const latency = await latencyRecorder(post, config.refreshMs);
  board.setState(slot, 'consuming');
  // With nothing to do per item (no module, no --consume-ms, no --pool), items are taken in batches.
  const noWork = !consume && config.consumeMs <= 0 && pool === undefined;
  const handle = (item: unknown) => withPermit(worker, pool, () => (consume ? consume(item, ctx) : work()));
  try {
    const inlet = new LinkInlet(input!, worker, latency.histogram);
    await untilShutDown(() => consumeAll(worker, inlet, noWork ? undefined : handle, latency.tick));
  } finally {
    latency.flush();
  }
}

const RUN: Record<WorkerRole, () => Promise<void>> = { producer: runProducer, stage: runStage, consumer: runConsumer };

await lifeOf(board, slot, post, RUN[data.role]);
