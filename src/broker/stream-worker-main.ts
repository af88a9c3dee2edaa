/**
 * The entry of a worker whose queue is a Redis stream: a producer or a consumer of a `--broker`
 * run. The run's own workers and those a `pipeline-tui worker` process adds from elsewhere are
 * the same thread:
 * - a producer draws its items from the run's budget on the broker (claimItems), so producers
 *   everywhere share it exactly, makes them (the built-in workload or `--producer`'s module) and
 *   adds them with XADD, waiting while the stream is full;
 * - a consumer reads entries with XREADGROUP (claiming those a dead consumer left), does the work
 *   (built-in, or `--consumer`'s module), acknowledges each, and stops at its sentinel.
 * Either one publishes its state and counts on a PipelineBoard slot — the run's board, or the
 * worker process's own, which that process publishes on the broker — as worker-main.ts does, and
 * honours pause, stop and retire the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import { PipelineBoard } from '../pipeline/metrics.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { loadConsumer, loadProducer, type WorkerContext } from '../pipeline/user-modules.js';
import type { WorkerMessage } from '../pipeline/worker-main.js';
import { builtinItems, makeWork, mulberry32, sleepMs, workerSeed } from '../pipeline/workload.js';
import { SENTINEL } from '../queue/sentinel.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { parseBrokerUrl } from './broker-url.js';
import { claimItems } from './remote-board.js';
import { StreamQueue } from './stream-queue.js';

/** Where the stream is, and how the run uses it. */
export interface StreamWiring {
  /** The URL as given, password included: only for connecting, never shown. */
  url: string;
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
const abort = new AbortController();
const seed = workerSeed(config.seed, slot);
const ctx: WorkerContext = { id: data.id, role: data.role, index: data.index, seed, signal: abort.signal };

/** While the run is paused (and not stopping), waits, shown as paused. */
function waitIfPaused(): void {
  if (board.paused && !board.stopRequested && !board.isRetired(slot)) {
    board.setState(slot, 'paused');
    board.waitWhilePaused(slot);
    board.setState(slot, busy);
  }
}

function shouldStop(): boolean {
  waitIfPaused();
  if (board.stopRequested || board.isRetired(slot)) {
    abort.abort();
    return true;
  }
  return false;
}

async function runProducer(queue: StreamQueue): Promise<void> {
  const source = config.producer ? (await loadProducer(config.producer))(ctx) : builtinItems(config, seed, slot);
  const interval = config.rate ? 1000 / config.rate : 0;
  let nextAt = performance.now();
  board.setState(slot, 'producing');
  const iterator =
    Symbol.asyncIterator in Object(source)
      ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (source as Iterable<unknown>)[Symbol.iterator]();
  // A producer retired while it waits for room (the run failed: the consumers may be gone) gives up the wait.
  const watch = setInterval(() => board.isRetired(slot) && abort.abort(), config.refreshMs);
  try {
    let claimed = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: claim a new batch only when the last one is used up
    while (!shouldStop() && (claimed > 0 || (claimed = await claimItems(queue.redis, wiring.stream, 64)) > 0)) {
      claimed--;
      const step = iterator.next();
      const result = step instanceof Promise ? await step : (step as IteratorResult<unknown>);
      if (result.done) break;
      if (interval > 0) {
        sleepMs(nextAt - performance.now());
        nextAt = Math.max(nextAt + interval, performance.now() - interval);
      }
      let waited = false;
      const onFull = (): void => {
        waited = true;
        board.beginBlocked(slot, 'blocked-full');
      };
      try {
        await queue.put(result.value, { onFull, signal: abort.signal });
      } catch (error) {
        if (abort.signal.aborted) break; // retired: the item in hand is not put, nor counted
        throw error;
      } finally {
        if (waited) board.endBlocked(slot, busy);
      }
      board.addItem(slot);
    }
  } finally {
    clearInterval(watch);
    await iterator.return?.();
  }
}

async function runConsumer(queue: StreamQueue): Promise<void> {
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
      waitIfPaused();
      let entry = queue.buffered ? await queue.get() : undefined;
      if (entry === undefined) {
        // Shown as blocked while the stream is empty, a refresh at a time so a pause is honoured.
        board.beginBlocked(slot, 'blocked-empty');
        try {
          for (;;) {
            entry = await queue.get({ timeoutMs: config.refreshMs });
            if (entry !== undefined) break;
            board.endBlocked(slot, busy);
            waitIfPaused();
            board.beginBlocked(slot, 'blocked-empty');
          }
        } finally {
          board.endBlocked(slot, busy);
        }
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
      if (Number.isFinite(entry.putAtMs))
        latency.recordValue(Math.max(0, Math.round((Date.now() - entry.putAtMs) * 1000)));
      if (performance.now() - lastPost >= config.refreshMs) {
        flush();
        lastPost = performance.now();
      }
    }
  } finally {
    flush();
  }
}

async function main(): Promise<void> {
  const queue = await StreamQueue.open(parseBrokerUrl(wiring.url), {
    ...{ stream: wiring.stream, group: wiring.group, capacity: wiring.capacity },
    ...{ consumer: data.role === 'consumer' ? data.id : undefined, claimIdleMs: wiring.claimIdleMs },
  });
  try {
    await (data.role === 'producer' ? runProducer(queue) : runConsumer(queue));
  } finally {
    await queue.close();
  }
}

try {
  await main();
  board.setState(slot, 'done');
} catch (error) {
  board.setState(slot, 'failed');
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'failed', message: e.message, stack: e.stack });
}
