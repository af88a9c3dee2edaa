/**
 * The process side of `pipeline-tui worker --role consumer`: joins the run announced on a stream
 * with N consumer threads (remote-consumer-main.ts), publishes their rows on the run's board every
 * refresh (ids `C1@host:pid`…), and resolves once every one has stopped — at its sentinel, or
 * failed.
 */
import type { PipelineConfig } from '../pipeline/types.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import { type BrokerAddress, hostPort } from './broker-url.js';
import { closeBroker, connectBroker } from './connect.js';
import { publishRows, type RemoteWorkerRow, readRun, remoteWorkerId } from './remote-board.js';
import {
  COUNTER,
  COUNTER_WORDS,
  type RemoteConsumerData,
  type RemoteConsumerMessage,
  STATE_CODES,
} from './remote-consumer-block.js';

/** The run on the stream cannot be joined (none announced, or it has ended): exit code 2. */
export class NoRunError extends Error {
  override name = 'NoRunError';
}

export interface RemoteConsumersOptions {
  address: BrokerAddress;
  /** The URL as given (with its password): the threads connect with it; it is never shown. */
  url: string;
  stream: string;
  consumers: number;
  /** `--consumer` module, or undefined for the run's built-in work. */
  consumer: string | undefined;
  refreshMs: number;
  onRows?: (rows: readonly RemoteWorkerRow[]) => void;
}

export interface RemoteConsumersResult {
  rows: RemoteWorkerRow[];
  failed: boolean;
}

export async function runRemoteConsumers(options: RemoteConsumersOptions): Promise<RemoteConsumersResult> {
  const redis = await connectBroker(options.address, { name: `pipeline-tui-worker-${process.pid}` });
  try {
    const run = await readRun(redis, options.stream);
    const where = `stream ${options.stream} at ${hostPort(options.address)}`;
    if (run === undefined)
      throw new NoRunError(`no run on ${where}: start one there first (pipeline-tui run --broker … --stream …)`);
    if (run.phase !== 'running') throw new NoRunError(`the run on ${where} has ended (${run.phase})`);
    const config = JSON.parse(run.config) as PipelineConfig;
    const rows: RemoteWorkerRow[] = [];
    const threads = Array.from({ length: options.consumers }, (_, index) => {
      const counters = new SharedArrayBuffer(4 * COUNTER_WORDS);
      const id = remoteWorkerId('C', index + 1);
      const row: RemoteWorkerRow = { id, role: 'consumer', state: 'starting', items: 0, blockedMs: 0 };
      rows.push(row);
      const workerData: RemoteConsumerData = {
        ...{ url: options.url, stream: options.stream, group: run.group, capacity: run.capacity },
        ...{ claimIdleMs: run.claimIdleMs, id, index, consumer: options.consumer, counters },
        config: { work: config.work, consumeMs: config.consumeMs, jitter: config.jitter, seed: config.seed },
      };
      const worker = spawnWorker(ownModule(import.meta.url, './remote-consumer-main'), { workerData });
      const ended = new Promise<void>((resolve) => {
        worker.on('message', (m: RemoteConsumerMessage) => {
          if (m.type === 'failed') row.error = m.message;
        });
        worker.on('error', (e) => (row.error = e.message));
        worker.once('exit', () => resolve());
      });
      return { row, counters: new Int32Array(counters), ended };
    });
    const sample = (): RemoteWorkerRow[] => {
      for (const t of threads) {
        t.row.state = STATE_CODES[Atomics.load(t.counters, COUNTER.state)]!;
        if (t.row.error !== undefined) t.row.state = 'failed';
        t.row.items = Atomics.load(t.counters, COUNTER.items);
      }
      return rows.map((r) => ({ ...r }));
    };
    const publish = async (): Promise<void> => {
      const now = sample();
      await publishRows(redis, options.stream, now);
      options.onRows?.(now);
    };
    const timer = setInterval(() => void publish().catch(() => {}), options.refreshMs);
    await publish();
    await Promise.all(threads.map((t) => t.ended));
    clearInterval(timer);
    await publish();
    return { rows: sample(), failed: rows.some((r) => r.state === 'failed') };
  } finally {
    await closeBroker(redis);
  }
}
