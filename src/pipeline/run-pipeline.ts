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
 * exit and the run is torn down. If no item moves for `stallMs` while work remains (and no worker
 * is still starting), the run ends as "stalled".
 */
import type { Worker } from 'node:worker_threads';
import type { StreamLink } from '../broker/stream-link.js';
import type { BoundedQueue } from '../queue/index.js';
import { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import type { AutoscaleOptions } from './autoscale.js';
import { AutoscaleDriver } from './autoscale-driver.js';
import { Cascade } from './cascade.js';
import { chainOf } from './chain.js';
import { resolveConfig } from './config.js';
import { type ChainLink, Link } from './link.js';
import { PipelineBoard } from './metrics.js';
import { Sampler } from './sampler.js';
import { type Crewing, type RunningWorker, StageWorkers, type WorkerEvents } from './stage-workers.js';
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
import type { WorkerMessage } from './worker-life.js';

/** How long a refused request's reason stays on the dashboard. */
const NOTICE_MS = 3000;

export interface RunOptions {
  /** Called with every Snapshot, about every `refreshMs`, and once more at the end. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Aborting it asks for a graceful stop (like pressing q). */
  signal?: AbortSignal;
  /**
   * The run's queue on a Redis stream instead of shared memory: a link opened with
   * `StreamLink.open(url, { stream })` from `pipeline-tui/broker`. The run announces itself there,
   * so that `pipeline-tui worker` processes can join it, and closes the link's connection at its end.
   */
  broker?: StreamLink;
  /**
   * Grow the run where the bottleneck judge points, keeping each worker only if it raised the
   * throughput (autoscale.ts): true, or `{ max }` workers in all. Its decisions ride on the snapshots.
   */
  autoscale?: AutoscaleOptions | boolean;
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

/** How long the end of a broker run waits on the broker (out of reach, its commands would wait for it). */
const LAST_WORD_MS = 2_000;

/** `promise` settled, or LAST_WORD_MS gone by, whichever comes first; never rejects. */
function settled(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, LAST_WORD_MS)));
  return Promise.race([promise.then(noop, noop), late]).finally(() => clearTimeout(timer));
}
const noop = (): void => {};

/** Runs a pipeline to its end and resolves with its Summary (it never rejects for worker faults). */
export function runPipeline(config: Partial<PipelineConfig>, options: RunOptions = {}): Promise<Summary> {
  return startPipeline(config, options).done;
}

/** Starts a pipeline and returns its live controls. @throws ConfigError for bad configuration. */
export function startPipeline(input: Partial<PipelineConfig>, options: RunOptions = {}): PipelineRun {
  const stream = options.broker;
  const config = resolveConfig(stream ? { ...input, broker: stream.shown } : input);
  let state: RunState = 'running';
  let paused = false;
  let stopAsked = false;
  let endedBy: EndedBy | undefined;
  let error: string | undefined;
  /** The stack of the worker error that failed the run, when it had one: the user's frames are in it. */
  let errorStack: string | undefined;
  /** Why the last request to remove a worker was refused, shown for NOTICE_MS (Snapshot.notice). */
  let refusal: { text: string; until: number } | undefined;
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
  const running = (): boolean => endedBy === undefined;
  const shared = stream ? [] : chain.slice(1).map(() => new Link(config.capacity, config.refreshMs, running));
  const links: ChainLink[] = stream ? [stream] : shared;
  const pool = config.pool !== undefined ? new BoundedSemaphore(config.pool) : undefined;
  const events: WorkerEvents = { message: onMessage, error: fail, exit: onExit };
  const crewing: Crewing = { config, board, links: shared, pool, events };
  const stages = chain.map((spec, i) => new StageWorkers(i, spec, crewing));
  const [producers, consumers] = [stages[0]!, stages.at(-1)!];
  const cascade = new Cascade(stages, links, config.shutdown);
  const workers = (): RunningWorker[] => stages.flatMap((s) => s.all);
  const sampler = new Sampler(config, board, links);
  const autoscaler = options.autoscale ? new AutoscaleDriver(config, options.autoscale) : undefined;

  /** How far the shutdown has come, counting the workers that joined from elsewhere (a --broker run). */
  const progress = (): ShutdownProgress => {
    const remote = (role: 'producer' | 'consumer') => stream?.remoteTally(role) ?? { all: 0, finished: 0 };
    const [p, c] = [remote('producer'), remote('consumer')];
    return {
      mode: config.shutdown,
      producersDone: producers.exited + p.finished,
      producers: producers.all.length + p.all,
      sentinelsSent: links.at(-1)!.sentinelsSent,
      consumersExited: consumers.exited + c.finished,
      consumers: consumers.all.length + c.all,
      ms: shutdownMs,
    };
  };

  function onMessage(w: RunningWorker, message: WorkerMessage): void {
    if (message.type === 'latency') sampler.addLatency(message.histogram);
    else if (message.type === 'sentinel') {
      w.leaving = true;
      links[w.stage - 1]!.sentinelTaken();
    } else if (message.type === 'failed') fail(w, message.message, message.stack);
  }

  function onExit(w: RunningWorker, code: number): void {
    w.exited = true;
    if (endedBy) return;
    if (checkOrphanedLock()) return;
    if (code !== 0 && w.error === undefined) fail(w, exitMessage(w.id, code));
    advance();
  }

  /** Marks a worker failed and winds the run down: no more puts, everything downstream drains. */
  function fail(w: RunningWorker, message: string, stack?: string): void {
    if (w.error === undefined) w.error = message;
    board.setState(w.slot, 'failed');
    if (endedBy) return; // torn down already: nothing left to wind down
    if (error === undefined) {
      // A worker that fails for the broker's sake (out of reach, out of memory, its data gone): say so.
      const blamed = stream?.blame(message);
      error = blamed ?? `${w.id} failed: ${message}`;
      if (blamed === undefined) errorStack = stack;
      state = 'failed';
      requestStop();
    }
    // A stream cannot be shut down under its producers: they are retired, and give up waiting for room.
    if (stream) for (const p of producers.alive()) board.retire(p.slot);
    // Shutting a link down takes its lock for a moment; never try that if the failed worker has it.
    if (links.some((link) => link.lockHolder() === w.threadId)) teardown('failed');
    else cascade.failed(w.stage);
  }

  /** Moves the run along its life: producers done → the cascade; everyone done → finished. */
  function advance(): void {
    if (endedBy || !started) return;
    const stepsBefore = cascadeSteps();
    // On a broker, the producers and consumers that joined from elsewhere count too.
    const remoteDone = (role: 'producer' | 'consumer'): boolean => stream?.remoteFinished(role) ?? true;
    if (producers.done && remoteDone('producer') && shutdownStartedAt === undefined) {
      shutdownStartedAt = sampler.elapsed();
      if (error === undefined) state = 'shutting-down';
    }
    if (remoteDone('producer')) cascade.advance();
    if (stages.every((s) => s.done) && remoteDone('consumer')) {
      if (shutdownStartedAt !== undefined) shutdownMs = sampler.elapsed() - shutdownStartedAt;
      finish(error !== undefined ? 'failed' : stopAsked ? 'stopped' : 'completed');
    }
    // A step of the cascade taken: a snapshot of its own, so the dashboard, the recording's
    // markers and the log each show it at its moment, not several steps in one refresh tick.
    else if (cascadeSteps() !== stepsBefore) snap();
  }

  /** How far the shutdown cascade has come: stages done plus links ended. */
  function cascadeSteps(): number {
    return stages.filter((s) => s.done).length + links.filter((l) => l.ended).length;
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

  /** Producers stop, here and (on a broker) wherever they run. */
  function requestStop(): void {
    board.requestStop();
    void stream?.setPhase('stopping').catch(() => {}); // a lost broker fails the run on its own
  }

  function tick(): void {
    if (endedBy || checkOrphanedLock()) return;
    // A broker that has not answered its last reading may be frozen: no stall verdict on its figures.
    const unheard = stream?.unheard ?? false;
    if (stream) {
      const fatal = stream.fatal;
      if (fatal !== undefined) {
        error = fatal;
        state = 'failed';
        teardown('failed');
        return;
      }
      // Depth, the server's counts and remote rows for the next snapshot; remote workers may have finished.
      void stream.refresh().then(advance, () => {});
    }
    const snapshot = snap();
    const moved = snapshot.stages.reduce((sum, stage) => sum + stage.in + stage.out, 0);
    const now = snapshot.t;
    // A worker still starting (loading its code, slow on a busy machine) holds the clock: not a stall.
    // So does a broker out of reach or silent: it is retried for a set time, and then the run fails for it.
    const starting = !started || snapshot.workers.some((w) => w.state === 'starting');
    if (moved !== lastMoved.total || paused || starting || unheard) lastMoved = { total: moved, at: now };
    else if (now - lastMoved.at >= config.stallMs) {
      error = `no item moved for ${config.stallMs} ms while work remained`;
      teardown('stalled');
    }
    if (state === 'running' && config.durationMs !== undefined && now >= config.durationMs) {
      state = 'draining';
      requestStop();
    }
  }

  function snap(): Snapshot {
    const shown: RunState = endedBy ? state : paused && state === 'running' ? 'paused' : state;
    const broker = stream ? { reading: stream.reading(), remote: stream.remote() } : undefined;
    const notice = refusal !== undefined && sampler.elapsed() < refusal.until ? refusal.text : undefined;
    latest = sampler.sample(shown, stages, progress(), error, broker, notice);
    if (autoscaler) latest = autoscaler.observe(latest, controls);
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
    // Wait for terminated workers to be gone so the caller can exit cleanly.
    const exits = workers().map((w) => (w.exited ? undefined : new Promise((r) => w.worker.once('exit', r))));
    const conclude = (): Summary => {
      const last = snap();
      // snap() reads progress() now, so its shutdown numbers are the final ones.
      const summary = autoscaler?.conclude(summaryOf(last, by, error)) ?? summaryOf(last, by, error);
      return errorStack !== undefined && error !== undefined ? { ...summary, stack: errorStack } : summary;
    };
    if (!stream) {
      const summary = conclude();
      void Promise.all(exits).then(() => resolveDone(summary));
      return;
    }
    // On a broker the last snapshot waits for the server's final counts; then the run is over there too.
    void (async () => {
      await Promise.all(exits);
      await settled(stream.refresh());
      const summary = conclude();
      await settled(stream.conclude(by === 'completed' || by === 'stopped' ? 'done' : 'failed'));
      await settled(stream.disconnect());
      resolveDone(summary);
    })();
  }

  const controls: PipelineControls = {
    stop() {
      if (endedBy || stopAsked) return;
      stopAsked = true;
      if (state === 'running') state = 'draining';
      requestStop();
    },
    abort() {
      if (endedBy) return;
      stopAsked = true;
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
      if (state === 'running' && started) stages[stage]?.add();
    },
    removeWorker(stage) {
      if (state !== 'running' || stages[stage] === undefined) return;
      let removed = false;
      if (stage > 0) removed = cascade.dismissOne(stage);
      else {
        const live = producers.alive().filter((w) => !board.isRetired(w.slot));
        if (live.length > 1) {
          board.retire(live.at(-1)!.slot);
          removed = true;
        }
      }
      // A stage keeps its last worker (nothing else would move its items on): say so, not nothing.
      if (!removed) {
        const name = stages[stage]!.spec.name;
        refusal = {
          text: `- cannot remove the last of the ${name}: the chain needs it (q stops the run)`,
          until: sampler.elapsed() + NOTICE_MS,
        };
        snap();
      }
    },
  };

  const onAbortSignal = (): void => controls.stop();
  options.signal?.addEventListener('abort', onAbortSignal);
  let started = false;
  const startWorkers = (): void => {
    started = true;
    for (const stage of stages) for (let i = 0; i < stage.spec.workers; i++) stage.add();
  };
  if (!stream) startWorkers();
  else {
    // The run is announced on the broker (with its budget) before any producer claims an item.
    stream.announce(config, running).then(
      () => {
        if (endedBy) return;
        crewing.stream = stream.wiring();
        startWorkers();
      },
      (e: Error) => {
        error = `cannot announce the run on the broker: ${e.message}`;
        state = 'failed';
        teardown('failed');
      },
    );
  }
  const timer = setInterval(tick, config.refreshMs);
  if (options.signal?.aborted) controls.stop();

  const internals = {
    links: shared.map((link) => link.queue),
    worker: (id: string) => workers().find((w) => w.id === id)?.worker,
  };
  return { ...controls, done, latest: () => latest, internals };
}
