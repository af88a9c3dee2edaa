/**
 * runPipeline: P producer workers and C consumer workers joined by one shared BoundedQueue,
 * observed by the sampler and steered through the shared board. The main thread never blocks:
 * it only reads counters, posts sentinels with `putAsync`, and reacts to worker events.
 *
 * Life of a run:
 *   running ──(budget spent, duration over, or stop())──▶ draining: producers finish their item
 *   draining ──(every producer exited)──▶ shutting-down: one sentinel per consumer is queued
 *     behind the items (or, with shutdown "close", the queue is shut down and drained)
 *   shutting-down ──(every consumer exited)──▶ done
 * Faults: a worker that fails ends the run as "failed": producers stop, the queue is shut down so
 * nobody stays blocked, consumers drain what is left. A worker that dies holding the queue's lock
 * would leave everyone blocked forever: that is detected at its exit and the run is torn down.
 * If no item moves for `stallMs` while work remains, the run ends as "stalled".
 */
import type { Worker } from 'node:worker_threads';
import { BoundedQueue, QueueFull, SENTINEL } from '../queue/index.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import { MAX_WORKERS_PER_ROLE, resolveConfig } from './config.js';
import { PipelineBoard, slotOf } from './metrics.js';
import { type QueueReadings, Sampler, type WorkerInfo } from './sampler.js';
import { summaryOf } from './summary.js';
import type {
  EndedBy,
  PipelineConfig,
  PipelineControls,
  RunState,
  ShutdownProgress,
  Snapshot,
  Summary,
  WorkerRole,
} from './types.js';
import type { PipelineWorkerData, WorkerMessage } from './worker-main.js';

export interface RunOptions {
  /** Called with every Snapshot, about every `refreshMs`, and once more at the end. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Aborting it asks for a graceful stop (like pressing q). */
  signal?: AbortSignal;
}

/** A started run: its controls, and the Summary it resolves to. */
export interface PipelineRun extends PipelineControls {
  readonly done: Promise<Summary>;
  /** The latest snapshot taken. */
  latest(): Snapshot | undefined;
  /** @internal fault injection and diagnostics for tests: the queue and the workers' handles. */
  readonly internals: { queue: BoundedQueue<unknown>; worker(id: string): Worker | undefined };
}

interface RunningWorker extends WorkerInfo {
  worker: Worker;
  threadId: number;
  exited: boolean;
}

const WORKER_MAIN = ownModule(import.meta.url, './worker-main');

/** Why a worker that exited without reporting an error went away. */
function exitMessage(id: string, code: number): string {
  // 13 is Node's "unsettled top-level await": the worker awaited a promise nothing could settle.
  if (code === 13)
    return (
      `${id} exited with code 13: it awaited a promise that nothing can settle ` +
      '(no timer, I/O or message keeps its thread alive)'
    );
  return `${id} exited with code ${code}`;
}

/** Runs a pipeline to its end and resolves with its Summary (it never rejects for worker faults). */
export function runPipeline(config: Partial<PipelineConfig>, options: RunOptions = {}): Promise<Summary> {
  return startPipeline(config, options).done;
}

/** Starts a pipeline and returns its live controls. @throws ConfigError for bad configuration. */
export function startPipeline(input: Partial<PipelineConfig>, options: RunOptions = {}): PipelineRun {
  const config = resolveConfig(input);
  const queue = new BoundedQueue({ capacity: config.capacity, stampItems: true });
  const board = new PipelineBoard();
  board.setBudget(config.items);

  const readQueue = (): QueueReadings => {
    const s = queue.stats();
    const l = queue.lockStats();
    return {
      depth: s.depth,
      capacity: config.capacity,
      highWater: s.highWater,
      putBlocked: s.putBlocked,
      getBlocked: s.getBlocked,
      lockAcquisitions: l.acquisitions,
      lockContended: l.contended,
    };
  };
  const sampler = new Sampler(config, board, readQueue);

  const workers: RunningWorker[] = [];
  const started: Record<WorkerRole, number> = { producer: 0, stage: 0, consumer: 0 };
  let state: RunState = 'running';
  let paused = false;
  let stopRequests = 0;
  let endedBy: EndedBy | undefined;
  let error: string | undefined;
  let shutdownStartedAt: number | undefined;
  let shutdownMs: number | undefined;
  let sentinelsSent = 0;
  let sentinelsPending = 0; // queued, not yet taken by a consumer
  let lastMoved = { total: -1, at: 0 };
  let latest: Snapshot | undefined;
  let resolveDone!: (summary: Summary) => void;
  const done = new Promise<Summary>((resolve) => (resolveDone = resolve));

  const alive = (role: WorkerRole): RunningWorker[] => workers.filter((w) => w.role === role && !w.exited);
  const progress = (): ShutdownProgress => ({
    mode: config.shutdown,
    producersDone: workers.filter((w) => w.role === 'producer' && w.exited).length,
    producers: started.producer,
    sentinelsSent,
    consumersExited: workers.filter((w) => w.role === 'consumer' && w.exited).length,
    consumers: started.consumer,
    ms: shutdownMs,
  });

  function spawn(role: 'producer' | 'consumer'): void {
    const index = started[role]++;
    const slot = slotOf(role, index);
    const id = `${role === 'producer' ? 'P' : 'C'}${index + 1}`;
    board.setState(slot, 'starting');
    const workerData: PipelineWorkerData = { role, index, slot, id, config, queue: queue.handle, board: board.handle };
    const worker = spawnWorker(WORKER_MAIN, { workerData });
    const stage = role === 'producer' ? 0 : 1;
    const entry: RunningWorker = { id, role, stage, index, slot, worker, threadId: worker.threadId, exited: false };
    workers.push(entry);
    worker.on('message', (message: WorkerMessage) => onMessage(entry, message));
    worker.on('error', (e) => fail(entry, e.message));
    worker.on('exit', (code) => onExit(entry, code));
  }

  function onMessage(w: RunningWorker, message: WorkerMessage): void {
    if (message.type === 'latency') sampler.addLatency(message.histogram);
    else if (message.type === 'sentinel') sentinelsPending--;
    else if (message.type === 'failed') fail(w, message.message);
  }

  function onExit(w: RunningWorker, code: number): void {
    w.exited = true;
    if (endedBy) return;
    if (checkOrphanedLock()) return;
    if (code !== 0 && w.error === undefined) fail(w, exitMessage(w.id, code));
    advance();
  }

  /** Marks a worker failed and winds the run down: no more puts, consumers drain what is left. */
  function fail(w: RunningWorker, message: string): void {
    if (w.error === undefined) w.error = message;
    board.setState(w.slot, 'failed');
    if (error !== undefined) return;
    error = `${w.id} failed: ${message}`;
    state = 'failed';
    board.requestStop();
    // Shutting the queue down takes its lock for a moment; never try that if a dead worker has it.
    if (queue.lockStats().holder === w.threadId) teardown('failed');
    else queue.shutdown();
  }

  /** Moves the run along its life: producers done → shutdown; consumers done → finished. */
  function advance(): void {
    if (endedBy) return;
    if (alive('producer').length === 0 && shutdownStartedAt === undefined) beginShutdown();
    if (alive('producer').length === 0 && alive('consumer').length === 0) {
      if (shutdownStartedAt !== undefined) shutdownMs = sampler.elapsed() - shutdownStartedAt;
      finish(error !== undefined ? 'failed' : stopRequests > 0 ? 'stopped' : 'completed');
    }
  }

  function beginShutdown(): void {
    shutdownStartedAt = sampler.elapsed();
    if (error !== undefined) return; // the queue is already shut down
    state = 'shutting-down';
    if (config.shutdown === 'close') {
      queue.shutdown();
      return;
    }
    void sendSentinels(alive('consumer').length - sentinelsPending);
  }

  async function sendSentinels(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      sentinelsPending++;
      if (!(await putWhileRunning(SENTINEL))) {
        sentinelsPending--;
        return;
      }
      sentinelsSent++;
    }
  }

  /**
   * Puts from the main thread, a tick's wait at a time: a put still waiting on a full queue when
   * the run ends (aborted, stalled) would keep the process alive forever. False if the run ended
   * first or the queue was shut down by a failure (consumers then drain and exit anyway).
   */
  async function putWhileRunning(item: unknown): Promise<boolean> {
    while (endedBy === undefined) {
      try {
        await queue.putAsync(item, { timeout: config.refreshMs });
        return true;
      } catch (error) {
        if (!(error instanceof QueueFull)) return false;
      }
    }
    return false;
  }

  /**
   * A thread that exits while holding the queue's lock leaves every other worker blocked forever.
   * The lock records its holder's thread id: if that thread is neither the main thread nor a live
   * worker of this run, the lock is orphaned and the run is torn down with a clear error.
   */
  function checkOrphanedLock(): boolean {
    const holder = queue.lockStats().holder;
    if (holder === undefined || holder === 0 || workers.some((w) => !w.exited && w.threadId === holder)) return false;
    const who = workers.find((w) => w.threadId === holder)?.id ?? `thread ${holder}`;
    error = `${who} exited while holding the queue's lock; the queue can no longer be used safely`;
    state = 'failed';
    teardown('failed');
    return true;
  }

  function tick(): void {
    if (endedBy || checkOrphanedLock()) return;
    const snapshot = snap();
    const moved = snapshot.totals.produced + snapshot.totals.consumed;
    const now = snapshot.t;
    if (moved !== lastMoved.total || paused) lastMoved = { total: moved, at: now };
    else if (now - lastMoved.at >= config.stallMs) {
      error = `no item moved for ${config.stallMs} ms while work remained`;
      teardown('stalled');
    }
    if (state === 'running' && config.durationMs !== undefined && now >= config.durationMs) {
      state = 'draining';
      board.requestStop();
    }
  }

  function snap(): Snapshot {
    const shown: RunState = endedBy ? state : paused && state === 'running' ? 'paused' : state;
    latest = sampler.sample(shown, workers, progress(), error);
    options.onSnapshot?.(latest);
    return latest;
  }

  /** Ends the run at once: every worker is terminated (used for abort, stalls, orphaned locks). */
  function teardown(by: EndedBy): void {
    for (const w of workers) if (!w.exited) void w.worker.terminate();
    finish(by);
  }

  function finish(by: EndedBy): void {
    if (endedBy) return;
    endedBy = by;
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbortSignal);
    state = by === 'completed' ? 'done' : by;
    const last = snap();
    // snap() reads progress() now, so its shutdown numbers are the final ones.
    const summary = summaryOf(last, by, error);
    // Wait for terminated workers to be gone so the caller can exit cleanly.
    void Promise.all(workers.map((w) => (w.exited ? undefined : new Promise((r) => w.worker.once('exit', r))))).then(
      () => resolveDone(summary),
    );
  }

  const controls: PipelineControls = {
    stop() {
      if (endedBy) return;
      if (++stopRequests > 1) return controls.abort();
      if (state === 'running') state = 'draining';
      board.requestStop();
    },
    abort() {
      if (endedBy) return;
      stopRequests = Math.max(stopRequests, 1);
      teardown(error !== undefined ? 'failed' : 'aborted');
    },
    pause() {
      if (endedBy || state !== 'running') return;
      paused = true;
      board.setPaused(true);
    },
    resume() {
      if (!paused) return;
      paused = false;
      board.setPaused(false);
    },
    addWorker(stage) {
      const role = stage === 0 ? 'producer' : 'consumer';
      if (state === 'running' && started[role] < MAX_WORKERS_PER_ROLE) spawn(role);
    },
    removeWorker(stage) {
      if (state !== 'running') return;
      if (stage === 0) {
        const live = alive('producer').filter((w) => !board.isRetired(w.slot));
        if (live.length > 1) board.retire(live[live.length - 1]!.slot);
      } else if (alive('consumer').length - sentinelsPending > 1) void sendSentinels(1);
    },
  };

  const onAbortSignal = (): void => controls.stop();
  options.signal?.addEventListener('abort', onAbortSignal);
  for (let i = 0; i < config.producers; i++) spawn('producer');
  for (let i = 0; i < config.consumers; i++) spawn('consumer');
  const timer = setInterval(tick, config.refreshMs);
  if (options.signal?.aborted) controls.stop();

  const internals = { queue, worker: (id: string) => workers.find((w) => w.id === id)?.worker };
  return { ...controls, done, latest: () => latest, internals };
}
