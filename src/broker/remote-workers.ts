/**
 * The process side of `pipeline-tui worker`: joins the run announced on a stream with N producer or
 * consumer threads (stream-worker-main.ts, the same thread the run's own workers are), and publishes
 * their rows on the run's board every refresh (ids `C1@host:pid`…), read off a PipelineBoard of its
 * own as the run reads its board. It follows the run's phase: once the run stops, its producers
 * stop too. It resolves once every thread has stopped — producers at the end of the budget or the
 * run, consumers at their sentinel — or failed.
 */
import type { Worker } from 'node:worker_threads';
import { PipelineBoard, slotOf } from '../pipeline/metrics.js';
import type { PipelineConfig } from '../pipeline/types.js';
import type { WorkerMessage } from '../pipeline/worker-life.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import { type BrokerAddress, hostPort } from './broker-url.js';
import { closeBroker, connectBroker } from './connect.js';
import { publishRows, type RemoteWorkerRow, readRun, remoteWorkerId } from './remote-board.js';
import type { StreamWorkerData } from './stream-worker-main.js';

/** The run on the stream cannot be joined (none announced, or it has ended): exit code 2. */
export class NoRunError extends Error {
  override name = 'NoRunError';
}

export interface RemoteWorkersOptions {
  /** Where the broker is (with its password: the threads connect with it; it is never shown). */
  address: BrokerAddress;
  stream: string;
  role: 'producer' | 'consumer';
  /** Threads to start. */
  count: number;
  /** `--producer` or `--consumer` module, or undefined for the run's built-in workload. */
  module: string | undefined;
  refreshMs: number;
  onRows?: (rows: readonly RemoteWorkerRow[]) => void;
}

export interface RemoteWorkersResult {
  rows: RemoteWorkerRow[];
  failed: boolean;
}

const STREAM_WORKER_MAIN = ownModule(import.meta.url, './stream-worker-main');

export async function runRemoteWorkers(options: RemoteWorkersOptions): Promise<RemoteWorkersResult> {
  const redis = await connectBroker(options.address, { name: `pipeline-tui-worker-${process.pid}` });
  try {
    const run = await readRun(redis, options.stream);
    const where = `stream ${options.stream} at ${hostPort(options.address)}`;
    if (run === undefined)
      throw new NoRunError(`no run on ${where}: start one there first (pipeline-tui run --broker … --stream …)`);
    if (run.phase !== 'running') throw new NoRunError(`the run on ${where} has ended (${run.phase})`);
    // The run's workload, with this process's own module (a path on the run's machine means nothing here).
    const config: PipelineConfig = {
      ...(JSON.parse(run.config) as PipelineConfig),
      producer: options.role === 'producer' ? options.module : undefined,
      consumer: options.role === 'consumer' ? options.module : undefined,
    };
    const stage = options.role === 'producer' ? 0 : 1;
    const board = new PipelineBoard(2);
    const wiring = { address: options.address, stream: options.stream, group: run.group, capacity: run.capacity };
    const threads = Array.from({ length: options.count }, (_, index) => {
      const slot = slotOf(stage, index);
      const id = remoteWorkerId(options.role === 'producer' ? 'P' : 'C', index + 1);
      const row: RemoteWorkerRow = { id, role: options.role, state: 'starting', items: 0, blockedMs: 0 };
      board.setState(slot, 'starting');
      const workerData: StreamWorkerData = {
        ...{ role: options.role, index, slot, id, config, board: board.handle, boardStages: 2 },
        wiring: { ...wiring, claimIdleMs: run.claimIdleMs },
      };
      const worker: Worker = spawnWorker(STREAM_WORKER_MAIN, { workerData });
      const ended = new Promise<void>((resolve) => {
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'failed') row.error = m.message;
        });
        worker.on('error', (e) => (row.error = e.message));
        worker.once('exit', () => resolve());
      });
      return { row, slot, worker, ended };
    });
    const sample = (): RemoteWorkerRow[] =>
      threads.map(({ row, slot }) => {
        row.state = row.error !== undefined ? 'failed' : board.state(slot);
        row.items = board.items(slot);
        row.blockedMs = board.blockedMs(slot);
        return { ...row };
      });
    const publish = async (): Promise<void> => {
      const now = sample();
      await publishRows(redis, options.stream, now);
      options.onRows?.(now);
      // The run stopping stops the producers here too; a run that is over ends this process.
      const phase = (await readRun(redis, options.stream))?.phase;
      if (phase !== 'running') board.requestStop();
      if (phase === 'done' || phase === 'failed') for (const t of threads) void t.worker.terminate();
    };
    const timer = setInterval(() => void publish().catch(() => {}), options.refreshMs);
    await publish();
    await Promise.all(threads.map((t) => t.ended));
    clearInterval(timer);
    const rows = sample();
    await publishRows(redis, options.stream, rows);
    options.onRows?.(rows);
    return { rows, failed: rows.some((r) => r.state === 'failed') };
  } finally {
    await closeBroker(redis);
  }
}
