/**
 * Timer: calls a function after a delay unless cancelled first (Python's `threading.Timer`).
 *
 * Python's Timer is a thread that sleeps and then calls. A JavaScript function cannot be sent to
 * another thread, so this Timer runs `fn` on the thread that created it, from its event loop; the
 * Thread-like surface (start, cancel, join, isAlive, name) stays the same. Errors thrown by `fn`
 * go to the excepthook, as a thread's would. It is not a worker, so it has no ident of its own
 * and is not counted by `activeCount()` / `enumerate()`.
 *
 * `finished` is a shared Event, as in Python: it is set once `fn` has returned or the timer was
 * cancelled. Setting it from anywhere — another worker holding `timer.finished.handle` included —
 * before the timer fires cancels it (the check is made when the interval ends).
 */

import { Event } from '../sync/event.js';
import { ThreadStateError } from './errors.js';
import { reportException } from './excepthook.js';
import { threadRegistry } from './registry.js';
import { checkArgs } from './target.js';
import type { ThreadInfo } from './thread-info.js';

export class Timer<A extends unknown[] = unknown[]> implements ThreadInfo {
  readonly name: string;
  readonly daemon = false;
  readonly ident = undefined;
  /** Set when `fn` has returned or the timer was cancelled; setting it first cancels the timer. */
  readonly finished = new Event();
  private readonly args: A;
  private timer: NodeJS.Timeout | undefined;
  private state: 'initial' | 'waiting' | 'running' | 'finished' = 'initial';
  private cancelledBeforeRun = false;
  private resolveEnded!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly intervalMs: number,
    private readonly fn: (...args: A) => unknown,
    args?: A,
  ) {
    if (!(intervalMs >= 0) || !Number.isFinite(intervalMs))
      throw new RangeError(`intervalMs must be a non-negative number, got ${String(intervalMs)}`);
    if (typeof fn !== 'function') throw new TypeError('Timer needs a function to call');
    this.args = checkArgs(args) as A;
    this.name = threadRegistry().nextName();
  }

  /** Starts the countdown. @throws ThreadStateError if started before. */
  start(): void {
    if (this.state !== 'initial') throw new ThreadStateError(`threads can only be started once (${this.name})`);
    this.state = 'waiting';
    this.timer = setTimeout(() => void this.run(), this.intervalMs);
  }

  /** Stops the timer if it has not fired yet: then `fn` never runs. Harmless afterwards. */
  cancel(): void {
    if (this.state === 'running' || this.state === 'finished') return;
    clearTimeout(this.timer);
    this.cancelledBeforeRun = true;
    this.finish();
  }

  /** Whether `cancel()` stopped it before it fired. */
  get cancelled(): boolean {
    return this.cancelledBeforeRun;
  }

  /** Resolves true once the timer has fired and `fn` returned (or it was cancelled), false after `timeout` ms. */
  async join(timeout?: number): Promise<boolean> {
    if (this.state === 'initial' && !this.cancelledBeforeRun)
      throw new ThreadStateError(`cannot join ${this.name} before it is started`);
    if (timeout === undefined) {
      await this.ended;
      return true;
    }
    let t: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.ended.then(() => true),
        new Promise<boolean>((r) => (t = setTimeout(() => r(false), timeout))),
      ]);
    } finally {
      clearTimeout(t);
    }
  }

  isAlive(): boolean {
    return this.state === 'waiting' || this.state === 'running';
  }

  private async run(): Promise<void> {
    if (this.finished.isSet()) {
      this.cancelledBeforeRun = true; // cancelled through `finished`, maybe from another thread
      this.finish();
      return;
    }
    this.state = 'running';
    try {
      await this.fn(...this.args);
    } catch (error) {
      reportException({ thread: this, error });
    } finally {
      this.finish();
    }
  }

  private finish(): void {
    this.state = 'finished';
    this.finished.set();
    this.resolveEnded();
  }
}
