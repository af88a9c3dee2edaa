/**
 * The engine of a run: a chain of workers — producers, each `--stage`, consumers — joined by links
 * that the backend provides (backend.ts: shared memory, or a Redis stream), observed by the sampler
 * and steered through the shared board. The main thread never blocks: it only reads counters,
 * posts sentinels with `putAsync`, and reacts to worker events. The parts: the links (link.ts),
 * the workers of one stage (stage-workers.ts), the cascade that ends the links in turn
 * (cascade.ts), and the run's status (run-status.ts); the controls are run-controls.ts.
 *
 * Life of a run:
 *   running ──(budget spent, duration over, or stop())──▶ draining: producers finish their item
 *   draining ──(every producer exited)──▶ shutting-down: the cascade ends link 0 (one sentinel
 *     per stage-1 worker queued behind the items, or with shutdown "close" the queue shut down),
 *     then each next link once every worker upstream of it has exited
 *   shutting-down ──(every consumer exited)──▶ done
 * Workers that joined from elsewhere (a broker's) count: the producers' end waits for theirs, and
 * the run's for their consumers.
 * Faults: a worker that fails ends the run as "failed": producers stop, the links up to the
 * failed stage are shut down so nobody stays blocked, and everything downstream drains. A worker
 * that dies holding a link's lock would leave everyone blocked forever: that is detected at its
 * exit and the run is torn down. If no item moves for `stallMs` while work remains (and no worker
 * is still starting), the run ends as "stalled". A backend's own fatal trouble fails the run.
 */
import type { PipelineBackend } from './backend.js';
import { Cascade } from './cascade.js';
import { chainOf } from './chain.js';
import type { ChainLink } from './link.js';
import { PipelineBoard } from './metrics.js';
import { RunStatus, StallWatch } from './run-status.js';
import { Sampler } from './sampler.js';
import { type RunningWorker, StageWorkers, type WorkerEvents } from './stage-workers.js';
import { summaryOf } from './summary.js';
import type { EndedBy, PipelineConfig, ShutdownProgress, Snapshot, Summary } from './types.js';
import type { WorkerMessage } from './worker-life.js';

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

/** Something that watches a run from inside it: the autoscaler. */
export interface RunObserver {
  observe(snapshot: Snapshot): Snapshot;
  conclude(summary: Summary): Summary;
}

export class RunEngine {
  readonly status = new RunStatus();
  readonly board: PipelineBoard;
  readonly links: readonly ChainLink[];
  readonly stages: readonly StageWorkers[];
  readonly cascade: Cascade;
  readonly sampler: Sampler;
  readonly done: Promise<Summary>;
  /** Workers may be added: the backend was ready and the first crew started. */
  started = false;
  latest: Snapshot | undefined;
  /** Why the last request was refused, shown until `until` (Snapshot.notice). */
  private refusal: { text: string; until: number } | undefined;
  private resolveDone!: (summary: Summary) => void;
  private readonly stall: StallWatch;
  private timer: NodeJS.Timeout | undefined;
  /**
   * How many of the run's own producers and consumers had exited when it ended: those it then
   * terminates (a stall, an abort) are gone without having finished, and the summary says so.
   */
  private exitedAtEnd: { producers: number; consumers: number } | undefined;

  constructor(
    readonly config: PipelineConfig,
    readonly backend: PipelineBackend,
    private readonly onSnapshot: ((snapshot: Snapshot) => void) | undefined,
    /** Sees each snapshot and the summary first, and may add to them (the autoscaler's decisions). */
    private readonly observer?: RunObserver,
  ) {
    this.done = new Promise<Summary>((resolve) => (this.resolveDone = resolve));
    this.stall = new StallWatch(config.stallMs);
    const chain = chainOf(config);
    const board = new PipelineBoard(chain.length);
    board.setBudget(config.items);
    this.board = board;
    this.links = backend.open({ config, board, chain, running: () => this.status.running });
    const events: WorkerEvents = {
      message: (w, message) => this.onMessage(w, message),
      error: (w, message, stack) => this.fail(w, message, stack),
      exit: (w, code) => this.onExit(w, code),
    };
    this.stages = chain.map((spec, i) => new StageWorkers(i, spec, { board, backend, events }));
    this.cascade = new Cascade(this.stages, this.links, config.shutdown, (stage) => this.remoteDone(stage));
    this.sampler = new Sampler(config, board, this.links, () => backend.pool?.size);
  }

  get producers(): StageWorkers {
    return this.stages[0]!;
  }

  get consumers(): StageWorkers {
    return this.stages.at(-1)!;
  }

  workers(): RunningWorker[] {
    return this.stages.flatMap((s) => s.all);
  }

  /** Starts the first crew once the backend is ready for workers, and the refresh ticks. */
  start(): void {
    const ready = this.backend.prepare();
    if (ready === undefined) this.startWorkers();
    else
      ready.then(
        () => this.status.running && this.startWorkers(),
        (e: Error) => {
          this.status.failWith(e.message);
          this.teardown('failed');
        },
      );
    this.timer = setInterval(() => this.tick(), this.config.refreshMs);
  }

  private startWorkers(): void {
    this.started = true;
    for (const stage of this.stages) for (let i = 0; i < stage.spec.workers; i++) stage.add();
  }

  /** How far the shutdown has come, counting the workers that joined from elsewhere. */
  private progress(): ShutdownProgress {
    const [p, c] = [this.backend.remote(0), this.backend.remote(this.stages.length - 1)];
    const exited = this.exitedAtEnd ?? { producers: this.producers.exited, consumers: this.consumers.exited };
    return {
      mode: this.config.shutdown,
      producersDone: exited.producers + p.finished,
      producers: this.producers.all.length + p.all,
      sentinelsSent: this.links.at(-1)!.sentinelsSent,
      consumersExited: exited.consumers + c.finished,
      consumers: this.consumers.all.length + c.all,
      ms: this.status.shutdownMs,
    };
  }

  private onMessage(w: RunningWorker, message: WorkerMessage): void {
    if (message.type === 'latency') this.sampler.addLatency(message.histogram);
    else if (message.type === 'sentinel') {
      w.leaving = true;
      this.links[w.stage - 1]!.sentinelTaken();
    } else if (message.type === 'failed') this.fail(w, message.message, message.stack);
  }

  private onExit(w: RunningWorker, code: number): void {
    w.exited = true;
    if (!this.status.running) return;
    if (this.checkOrphanedLock()) return;
    if (code !== 0 && w.error === undefined) this.fail(w, exitMessage(w.id, code));
    this.advance();
  }

  /** Marks a worker failed and winds the run down: no more puts, everything downstream drains. */
  private fail(w: RunningWorker, message: string, stack?: string): void {
    const { status, board } = this;
    if (w.error === undefined) w.error = message;
    board.setState(w.slot, 'failed');
    if (!status.running) return; // torn down already: nothing left to wind down
    if (status.error === undefined) {
      // A worker that fails for the backend's sake (a broker out of reach, out of memory): say so.
      const blamed = this.backend.blame(message);
      status.failWith(blamed ?? `${w.id} failed: ${message}`, blamed === undefined ? stack : undefined);
      this.requestStop();
    }
    // Links that cannot be shut under their producers: everyone upstream of the failed stage (who
    // may wait for room nobody will make) is retired, and gives up waiting for room.
    if (!this.backend.shutsUnderProducers)
      for (const upstream of this.stages.slice(0, Math.max(1, w.stage)))
        for (const u of upstream.alive()) board.retire(u.slot);
    // Shutting a link down takes its lock for a moment; never try that if the failed worker has it.
    if (this.links.some((link) => link.lockHolder() === w.threadId)) this.teardown('failed');
    else this.cascade.failed(w.stage);
  }

  /** Moves the run along its life: producers done → the cascade; everyone done → finished. */
  advance(): void {
    const { status } = this;
    if (!status.running || !this.started) return;
    const stepsBefore = this.cascadeSteps();
    if (this.producers.done && this.remoteDone(0)) status.shutdownBegins(this.sampler.elapsed());
    this.cascade.advance();
    if (this.stages.every((s, i) => s.done && this.remoteDone(i))) {
      status.shutdownEnds(this.sampler.elapsed());
      this.finish(status.outcome);
    }
    // A step of the cascade taken: a snapshot of its own, so the dashboard, the recording's
    // markers and the log each show it at its moment, not several steps in one refresh tick.
    else if (this.cascadeSteps() !== stepsBefore) this.snap();
  }

  /** Every worker of chain stage `stage` that joined from elsewhere has stopped. */
  private remoteDone(stage: number): boolean {
    const tally = this.backend.remote(stage);
    return tally.finished === tally.all;
  }

  /** How far the shutdown cascade has come: stages done plus links ended. */
  private cascadeSteps(): number {
    return this.stages.filter((s) => s.done).length + this.links.filter((l) => l.ended).length;
  }

  /**
   * A thread that exits while holding a link's lock leaves every other worker blocked forever.
   * The lock records its holder's thread id: if that thread is neither the main thread nor a live
   * worker of this run, the lock is orphaned and the run is torn down with a clear error.
   */
  private checkOrphanedLock(): boolean {
    const workers = this.workers();
    for (const link of this.links) {
      const holder = link.lockHolder();
      if (holder === undefined || holder === 0 || workers.some((w) => !w.exited && w.threadId === holder)) continue;
      const who = workers.find((w) => w.threadId === holder)?.id ?? `thread ${holder}`;
      this.status.failWith(`${who} exited while holding the queue's lock; the queue can no longer be used safely`);
      this.teardown('failed');
      return true;
    }
    return false;
  }

  /** Producers stop, here and wherever else they run. */
  requestStop(): void {
    this.board.requestStop();
    this.backend.stopping();
  }

  /** Once a refresh: the backend's figures read, a snapshot, and the verdicts (fault, stall, duration). */
  private tick(): void {
    const { status, backend } = this;
    if (!status.running || this.checkOrphanedLock()) return;
    // A backend that has not answered its last reading may be frozen: no stall verdict on its figures.
    const unheard = backend.unheard;
    const fatal = backend.fatal;
    if (fatal !== undefined) {
      status.failWith(fatal);
      this.teardown('failed');
      return;
    }
    // Figures for the next snapshot (a broker's); workers elsewhere may have finished.
    void backend.refresh()?.then(
      () => this.advance(),
      () => {},
    );
    const snapshot = this.snap();
    const moved = snapshot.stages.reduce((sum, stage) => sum + stage.in + stage.out, 0);
    // A worker still starting (loading its code, slow on a busy machine) holds the clock: not a stall.
    // So does a broker out of reach or silent: it is retried for a set time, and then the run fails for it.
    const starting = !this.started || snapshot.workers.some((w) => w.state === 'starting');
    if (this.stall.stalled(moved, snapshot.t, status.paused || starting || unheard)) {
      status.error = `no item moved for ${this.config.stallMs} ms while work remained`;
      this.teardown('stalled');
    }
    if (status.state === 'running' && this.config.durationMs !== undefined && snapshot.t >= this.config.durationMs) {
      status.state = 'draining';
      this.requestStop();
    }
  }

  /** Takes a snapshot and hands it on. */
  snap(): Snapshot {
    const { sampler, refusal } = this;
    const notice = refusal !== undefined && sampler.elapsed() < refusal.until ? refusal.text : undefined;
    const { shown, error } = this.status;
    const snapshot = sampler.sample(shown, this.stages, this.progress(), error, this.backend.sample(), notice);
    this.latest = this.observer?.observe(snapshot) ?? snapshot;
    this.onSnapshot?.(this.latest);
    return this.latest;
  }

  /** Shows why a request was refused, for `ms`, in a snapshot taken now. */
  refuse(text: string, ms: number): void {
    this.refusal = { text, until: this.sampler.elapsed() + ms };
    this.snap();
  }

  /** Ends the run at once: every worker is terminated (used for abort, stalls, orphaned locks). */
  teardown(by: EndedBy): void {
    if (this.status.endedBy === undefined)
      this.exitedAtEnd = { producers: this.producers.exited, consumers: this.consumers.exited };
    for (const w of this.workers()) if (!w.exited) void w.worker.terminate();
    this.finish(by);
  }

  /** Ends the run `by` that: the last snapshot, its Summary once the workers are gone. */
  private finish(by: EndedBy): void {
    const { status } = this;
    if (!status.end(by)) return;
    clearInterval(this.timer);
    // Wait for terminated workers to be gone so the caller can exit cleanly.
    const exits = this.workers().map((w) => (w.exited ? undefined : new Promise((r) => w.worker.once('exit', r))));
    const last = (): Summary => {
      const snapshot = this.snap();
      // snap() reads progress() now, so its shutdown numbers are the final ones.
      const plain = summaryOf(snapshot, by, status.error);
      const summary = this.observer?.conclude(plain) ?? plain;
      const { error, errorStack } = status;
      return errorStack !== undefined && error !== undefined ? { ...summary, stack: errorStack } : summary;
    };
    const ok = by === 'completed' || by === 'stopped';
    void this.backend.conclude(ok, Promise.all(exits), last).then(this.resolveDone);
  }
}
