/**
 * Where a run is in its life (run-engine.ts has the picture), why it failed if it did, and the
 * clocks it keeps: how long its shutdown took, and how long since an item last moved.
 */
import type { EndedBy, RunState } from './types.js';

export class RunStatus {
  state: RunState = 'running';
  paused = false;
  /** stop() or abort() was asked for: a run that ends without an error then ends "stopped". */
  stopAsked = false;
  /** How the run ended; undefined while it runs. */
  endedBy: EndedBy | undefined;
  error: string | undefined;
  /** The stack of the worker error that failed the run, when it had one: the user's frames are in it. */
  errorStack: string | undefined;
  /** When the producers were all done, in run time. */
  private shutdownStartedAt: number | undefined;
  /** How long the shutdown took, once the run is over. */
  shutdownMs: number | undefined;

  get running(): boolean {
    return this.endedBy === undefined;
  }

  /** The state a snapshot shows: a paused run that is still running shows as paused. */
  get shown(): RunState {
    return this.endedBy ? this.state : this.paused && this.state === 'running' ? 'paused' : this.state;
  }

  /** The run fails for `error` (over any earlier one: the caller decides which cause stands). */
  failWith(error: string, stack?: string): void {
    this.error = error;
    if (stack !== undefined) this.errorStack = stack;
    this.state = 'failed';
  }

  /** How a run whose workers have all exited ended. */
  get outcome(): EndedBy {
    return this.error !== undefined ? 'failed' : this.stopAsked ? 'stopped' : 'completed';
  }

  /** Ends the run `by` that; false if it had ended already. */
  end(by: EndedBy): boolean {
    if (this.endedBy) return false;
    this.endedBy = by;
    this.state = by === 'completed' ? 'done' : by;
    return true;
  }

  /** The producers are all done at `t`: the shutdown begins (once). */
  shutdownBegins(t: number): void {
    if (this.shutdownStartedAt !== undefined) return;
    this.shutdownStartedAt = t;
    if (this.error === undefined) this.state = 'shutting-down';
  }

  get shuttingDown(): boolean {
    return this.shutdownStartedAt !== undefined;
  }

  /** Every worker has exited at `t`: the shutdown's length is known. */
  shutdownEnds(t: number): void {
    if (this.shutdownStartedAt !== undefined) this.shutdownMs = t - this.shutdownStartedAt;
  }
}

/** The stall verdict: no item moved for `stallMs` while nothing excused the wait. */
export class StallWatch {
  private last = { moved: -1, at: 0 };

  constructor(private readonly stallMs: number) {}

  /** Whether the run has stalled, `moved` items having moved by `now`; `excused`: a wait is no stall now. */
  stalled(moved: number, now: number, excused: boolean): boolean {
    if (moved !== this.last.moved || excused) {
      this.last = { moved, at: now };
      return false;
    }
    return now - this.last.at >= this.stallMs;
  }
}
