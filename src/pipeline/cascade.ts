/**
 * The shutdown cascade: it walks the links in order and ends each one once its upstream is gone.
 *
 *   producers done ──▶ link 0 ended ──▶ stage 1 exits ──▶ link 1 ended ──▶ … ──▶ consumers exit
 *
 * Ending a link tells its downstream to leave: with shutdown "sentinel", one sentinel goes in
 * behind the items for each downstream worker still staying (running, and not already leaving
 * with a sentinel it took), less those already queued for it; with "close", the queue is shut
 * down and its downstream drains it and exits. A link is never ended before every worker
 * upstream of it has exited — on a broker, those that joined from elsewhere too — so no item can
 * be put behind its sentinels.
 *
 * A failure anywhere switches the rest of the cascade to "close" and shuts down at once the
 * failed stage's input link and every link before it (producers stop; nobody upstream can block
 * on a stage that may have no workers left); the links after it are closed in turn as their
 * upstream drains and exits.
 */
import type { ChainLink } from './link.js';
import type { StageWorkers } from './stage-workers.js';
import type { ShutdownMode } from './types.js';

export class Cascade {
  constructor(
    private readonly stages: readonly StageWorkers[],
    private readonly links: readonly ChainLink[],
    private mode: ShutdownMode,
    /** Whether every worker of a stage that joined from elsewhere (a broker's) has stopped too. */
    private readonly elsewhereDone: (stage: number) => boolean = () => true,
  ) {}

  /** The first link has been ended: the run is shutting down. */
  get begun(): boolean {
    return this.links[0]!.ended;
  }

  /** Ends, in order, every link whose upstream stage has exited, up to the first one whose has not. */
  advance(): void {
    for (const [i, link] of this.links.entries()) {
      if (!this.stages[i]!.done || !this.elsewhereDone(i)) return;
      if (link.ended) continue;
      link.ended = true;
      link.end(this.mode, this.stages[i + 1]!.staying() - link.sentinelsPending);
    }
  }

  /** A worker of stage `stage` failed: see the file header. */
  failed(stage: number): void {
    this.mode = 'close';
    for (const link of this.links.slice(0, Math.max(1, stage))) link.close();
  }

  /** Asks one worker of stage `stage` (not the producers) to leave: a sentinel on its input link. */
  dismissOne(stage: number): boolean {
    const link = this.links[stage - 1]!;
    if (link.ended || this.stages[stage]!.staying() - link.sentinelsPending <= 1) return false;
    void link.sendSentinels(1);
    return true;
  }
}
