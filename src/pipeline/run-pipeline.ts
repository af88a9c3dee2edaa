/**
 * runPipeline: a chain of workers — producers, each `--stage`, consumers — joined by shared
 * BoundedQueues (links; chain.ts), observed by the sampler and steered through the shared board.
 * The main thread never blocks: it only reads counters, posts sentinels with `putAsync`, and
 * reacts to worker events. The parts: a link (link.ts), the workers of one stage
 * (stage-workers.ts), and the cascade that ends the links in turn (cascade.ts).
 *
 * Life of a run:
 *   running ──(budget spent, duration over, or stop())──▶ draining: producers finish their item
 *   draining ──(every producer exited)──▶ shutting-down: the cascade ends link 0 (one sentinel
 *     per stage-1 worker queued behind the items, or with shutdown "close" the queue shut down),
 *     then each next link once every worker upstream of it has exited
 *   shutting-down ──(every consumer exited)──▶ done
 * Faults: a worker that fails ends the run as "failed": producers stop, the links up to the
 * failed stage are shut down so nobody stays blocked, and everything downstream drains. A worker
 * that dies holding a link's lock would leave everyone blocked forever: that is detected at its
 * exit and the run is torn down. If no item moves for `stallMs` while work remains, the run ends
 * as "stalled".
 */
import type { Worker } from 'node:worker_threads';
import type { BoundedQueue } from '../queue/index.js';
import { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import { Cascade } from './cascade.js';
import { chainOf } from './chain.js';
import { resolveConfig } from './config.js';
import { Link } from './link.js';
import { PipelineBoard } from './metrics.js';
import { Sampler } from './sampler.js';
import { type RunningWorker, StageWorkers, type WorkerEvents } from './stage-workers.js';
import { summaryOf } from './summary.js';
import type {
  EndedBy,
  PipelineConfig,
  PipelineControls,
  RunState,
  ShutdownProgress,
  Snapshot,
  Summary,
} from './types.js';
import type { WorkerMessage } from './worker-main.js';

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
  /** @internal fault injection and diagnostics for tests: the links' queues and the workers' handles. */
  readonly internals: { links: BoundedQueue<unknown>[]; worker(id: string): Worker | undefined };
}

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
  let state: RunState = 'running';
  let paused = false;
  let stopRequests = 0;
  let endedBy: EndedBy | undefined;
  let error: string | undefined;
  let shutdownStartedAt: number | undefined;
  let shutdownMs: number | undefined;
  let lastMoved = { total: -1, at: 0 };
  let latest: Snapshot | undefined;
  let resolveDone!: (summary: Summary) => void;
  const done = new Promise<Summary>((resolve) => (resolveDone = resolve));

  // The chain's parts: the board, a link between each two stages, each stage's workers, the cascade.
  const chain = chainOf(config);
  const board = new PipelineBoard(chain.length);
  board.setBudget(config.items);
  const links = chain.slice(1).map(() => new Link(config.capacity, config.refreshMs, () => endedBy === undefined));
  const pool = config.pool !== undefined ? new BoundedSemaphore(config.pool) : undefined;
  const events: WorkerEvents = { message: onMessage, error: fail, exit: onExit };
  const stages = chain.map((spec, i) => new StageWorkers(i, spec, { config, board, links, pool, events }));
  const [producers, consumers] = [stages[0]!, stages.at(-1)!];
  const cascade = new Cascade(stages, links, config.shutdown);
  const workers = (): RunningWorker[] => stages.flatMap((s) => s.all);
  const sampler = new Sampler(config, board, links);

  const progress = (): ShutdownProgress => ({
    mode: config.shutdown,
    producersDone: producers.exited,
    producers: producers.all.length,
    sentinelsSent: links.at(-1)!.sentinelsSent,
    consumersExited: consumers.exited,
    consumers: consumers.all.length,
    ms: shutdownMs,
  });

  function onMessage(w: RunningWorker, message: WorkerMessage): void {
    if (message.type === 'latency') sampler.addLatency(message.histogram);
    else if (message.type === 'sentinel') {
      w.leaving = true;
      links[w.stage - 1]!.sentinelTaken();
    } else if (message.type === 'failed') fail(w, message.message);
  }

  function onExit(w: RunningWorker, code: number): void {
    w.exited = true;
    if (endedBy) return;
    if (checkOrphanedLock()) return;
    if (code !== 0 && w.error === undefined) fail(w, exitMessage(w.id, code));
    advance();
  }

  /** Marks a worker failed and winds the run down: no more puts, everything downstream drains. */
  function fail(w: RunningWorker, message: string): void {
    if (w.error === undefined) w.error = message;
    board.setState(w.slot, 'failed');
    if (endedBy) return; // torn down already: nothing left to wind down
    if (error === undefined) {
      error = `${w.id} failed: ${message}`;
      state = 'failed';
      board.requestStop();
    }
    // Shutting a link down takes its lock for a moment; never try that if the failed worker has it.
    if (links.some((link) => link.lockHolder() === w.threadId)) teardown('failed');
    else cascade.failed(w.stage);
  }

  /** Moves the run along its life: producers done → the cascade; everyone done → finished. */
  function advance(): void {
    if (endedBy) return;
    if (producers.done && shutdownStartedAt === undefined) {
      shutdownStartedAt = sampler.elapsed();
      if (error === undefined) state = 'shutting-down';
    }
    cascade.advance();
    if (stages.every((s) => s.done)) {
      if (shutdownStartedAt !== undefined) shutdownMs = sampler.elapsed() - shutdownStartedAt;
      finish(error !== undefined ? 'failed' : stopRequests > 0 ? 'stopped' : 'completed');
    }
  }

  /**
   * A thread that exits while holding a link's lock leaves every other worker blocked forever.
   * The lock records its holder's thread id: if that thread is neither the main thread nor a live
   * worker of this run, the lock is orphaned and the run is torn down with a clear error.
   */
  function checkOrphanedLock(): boolean {
    for (const link of links) {
      const holder = link.lockHolder();
      if (holder === undefined || holder === 0 || workers().some((w) => !w.exited && w.threadId === holder)) continue;
      const who = workers().find((w) => w.threadId === holder)?.id ?? `thread ${holder}`;
      error = `${who} exited while holding the queue's lock; the queue can no longer be used safely`;
      state = 'failed';
      teardown('failed');
      return true;
    }
    return false;
  }

  function tick(): void {
    if (endedBy || checkOrphanedLock()) return;
    const snapshot = snap();
    const moved = snapshot.stages.reduce((sum, stage) => sum + stage.in + stage.out, 0);
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
    latest = sampler.sample(shown, stages, progress(), error);
    options.onSnapshot?.(latest);
    return latest;
  }

  /** Ends the run at once: every worker is terminated (used for abort, stalls, orphaned locks). */
  function teardown(by: EndedBy): void {
    for (const w of workers()) if (!w.exited) void w.worker.terminate();
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
    const exits = workers().map((w) => (w.exited ? undefined : new Promise((r) => w.worker.once('exit', r))));
    void Promise.all(exits).then(() => resolveDone(summary));
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
      if (state === 'running') stages[stage]?.add();
    },
    removeWorker(stage) {
      if (state !== 'running' || stages[stage] === undefined) return;
      if (stage > 0) cascade.dismissOne(stage);
      else {
        const live = producers.alive().filter((w) => !board.isRetired(w.slot));
        if (live.length > 1) board.retire(live.at(-1)!.slot);
      }
    },
  };

  const onAbortSignal = (): void => controls.stop();
  options.signal?.addEventListener('abort', onAbortSignal);
  for (const stage of stages) for (let i = 0; i < stage.spec.workers; i++) stage.add();
  const timer = setInterval(tick, config.refreshMs);
  if (options.signal?.aborted) controls.stop();

  const internals = {
    links: links.map((link) => link.queue),
    worker: (id: string) => workers().find((w) => w.id === id)?.worker,
  };
  return { ...controls, done, latest: () => latest, internals };
}
