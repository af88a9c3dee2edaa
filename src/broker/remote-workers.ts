/**
 * The process side of `pipeline-tui worker` in one run: joins the run announced on a stream with N
 * producer, stage or consumer threads (stream-worker-main.ts, the same thread the run's own workers
 * are; a stage worker joins the run's stage named as its `--stage` module is, with that module), and
 * publishes their rows on the run's board every refresh (ids `C1@host:pid`, `S2.1@host:pid`…), read off a
 * PipelineBoard of its own as the run reads its board. It follows the run: once the run stops, its
 * producers stop too; once it is over (done, failed, or replaced by the next run on the stream),
 * its threads leave. It is over once every thread has stopped — producers at the end of the
 * budget or the run, consumers at their sentinel or on leaving — or failed.
 *
 * Leaving (`leave`, the process asked to stop): producers make no more items, consumers finish the
 * item in hand, acknowledge it, give back the entries they read ahead and leave the consumer group
 * (stream-worker-main.ts and StreamQueue.close), so nothing is left pending under their names.
 */
import type { Worker } from 'node:worker_threads';
import type { Redis } from 'ioredis';
import { stageName, workerId } from '../pipeline/chain.js';
import { PipelineBoard, slotOf } from '../pipeline/metrics.js';
import type { PipelineConfig, WorkerRole } from '../pipeline/types.js';
import type { WorkerMessage } from '../pipeline/worker-life.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import type { BrokerAddress } from './broker-url.js';
import { publishRows, type RemoteWorkerRow, type RunAnnouncement, readRun, remoteWorkerId } from './remote-board.js';
import type { StreamWorkerData } from './stream-worker-main.js';

export interface RemoteWorkersOptions {
  /** Where the broker is (with its password: the threads connect with it; it is never shown). */
  address: BrokerAddress;
  stream: string;
  role: WorkerRole;
  /** Threads to start. */
  count: number;
  /** `--producer`, `--consumer` or `--stage` module (undefined: the run's built-in workload). */
  module: string | undefined;
  /** This process's own pace for the built-in workload (`--consume-ms`…), over the run's. */
  workload: Partial<Pick<PipelineConfig, 'produceMs' | 'consumeMs' | 'work'>>;
  refreshMs: number;
  /** The rows, every refresh and at the end: called before they are published, so a lost broker cannot hold it up. */
  onRows?: (rows: readonly RemoteWorkerRow[]) => void;
}

export interface RemoteWorkersResult {
  runId: string;
  rows: RemoteWorkerRow[];
  failed: boolean;
}

/** One run being served. */
export interface JoinedRun {
  /** Asks the threads to leave (see the header); `done` resolves once they have. */
  leave(): void;
  /** Ends the threads at once: the items they hold stay pending, for other consumers to claim. */
  abort(): void;
  /** The rows once every thread has stopped. Rejects if the last rows cannot be published (the broker is gone). */
  readonly done: Promise<RemoteWorkersResult>;
}

const STREAM_WORKER_MAIN = ownModule(import.meta.url, './stream-worker-main');

/**
 * Where workers of `role` join the chain of a run configured as `config`: 0 for producers, the
 * last stage for consumers, and for stage workers the stage named as `module` is ("./keep-odd.mjs"
 * joins "keep-odd"), undefined when the run has no such stage.
 */
export function joinedStage(config: PipelineConfig, role: WorkerRole, module: string | undefined): number | undefined {
  if (role === 'producer') return 0;
  if (role === 'consumer') return config.stages.length + 1;
  const name = module === undefined ? undefined : stageName(module);
  const at = config.stages.findIndex((s) => s.name === name);
  return at < 0 ? undefined : at + 1;
}

/** Joins `run`, announced on `options.stream` (read with readRun), over `redis`, the process's connection. */
export function joinRun(redis: Redis, run: RunAnnouncement, options: RemoteWorkersOptions): JoinedRun {
  const { role, module } = options;
  const announced = JSON.parse(run.config) as PipelineConfig;
  const stage = joinedStage(announced, role, module);
  if (stage === undefined)
    throw new TypeError(`the run has no stage ${stageName(module ?? '')}: check with joinedStage first`);
  // The run's workload, with this process's own module (a path on the run's machine means nothing here).
  const config: PipelineConfig = {
    ...announced,
    ...options.workload,
    producer: role === 'producer' ? module : undefined,
    consumer: role === 'consumer' ? module : undefined,
    stages: announced.stages.map((s, i) => (i === stage - 1 ? { ...s, module: module! } : s)),
  };
  // This process's board: a row for producers, one for the others.
  const row0 = role === 'producer' ? 0 : 1;
  const board = new PipelineBoard(2);
  const wiring = { address: options.address, stream: options.stream, group: run.group, capacity: run.capacity };
  const threads = Array.from({ length: options.count }, (_, index) => {
    const slot = slotOf(row0, index);
    const id = remoteWorkerId(workerId(role, stage, index));
    const row: RemoteWorkerRow = { id, role, stage, state: 'starting', items: 0, blockedMs: 0 };
    board.setState(slot, 'starting');
    const workerData: StreamWorkerData = {
      ...{ role, stage, index, slot, id, config, board: board.handle, boardStages: 2 },
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
      if (role === 'stage') [row.out, row.dropped] = [board.out(slot), board.dropped(slot)];
      return { ...row };
    });
  const leave = (): void => {
    board.requestStop(); // producers: no more items (the one being put still goes in)
    for (const t of threads) board.retire(t.slot); // consumers: see stream-worker-main's consumer loop
  };
  /**
   * Publishes the rows while the run is still the one announced — never on the board of the next
   * run, which starts empty — and follows the run: true once it is over.
   */
  const publish = async (rows: RemoteWorkerRow[]): Promise<boolean> => {
    const now = await readRun(redis, options.stream);
    if (now?.runId !== run.runId) return true;
    await publishRows(redis, options.stream, rows);
    if (now.phase !== 'running') board.requestStop();
    return now.phase === 'done' || now.phase === 'failed';
  };
  // One publish at a time: while the broker is retried, one may wait long.
  let publishing: Promise<void> | undefined;
  const tick = (): void => {
    const rows = sample();
    options.onRows?.(rows);
    publishing ??= publish(rows)
      .then((over) => {
        if (over) leave();
      })
      .catch(() => {}) // the broker out of reach: the next tick tries again, and the end says why
      .finally(() => (publishing = undefined));
  };
  const done = (async (): Promise<RemoteWorkersResult> => {
    const timer = setInterval(tick, options.refreshMs);
    tick();
    await Promise.all(threads.map((t) => t.ended));
    clearInterval(timer);
    await publishing;
    const rows = sample();
    options.onRows?.(rows);
    await publish(rows);
    return { runId: run.runId, rows, failed: rows.some((r) => r.state === 'failed') };
  })();
  return {
    leave,
    abort: () => {
      for (const t of threads) void t.worker.terminate();
    },
    done,
  };
}
