/**
 * Barrier: `parties` threads wait until all have arrived, then all go on (Python's
 * `threading.Barrier`, ported from CPython's implementation on a Condition).
 *
 * State machine (CPython's):
 *   0 filling   threads arrive and wait; the last one runs the action and starts draining
 *   1 draining  waiters leave; the last to leave sets filling again, so the barrier is reusable
 *  -1 resetting reset() was called while threads waited; they leave with BrokenBarrierError
 *  -2 broken    abort(), a timeout or a failing action; every wait raises until reset()
 * New arrivals wait while the barrier drains or resets, so rounds never mix.
 *
 * Words: 0 tag  1 state  2 count (threads inside wait)  3 parties  4 default timeout ms (-1 none);
 * then its Condition and that condition's Lock, in the same buffer.
 *
 * The action is a function, which cannot cross workers: each thread passes its own to
 * `new Barrier`/`Barrier.from`, and the one that arrives last runs its own (if any).
 */

import { Condition } from './condition.js';
import { BrokenBarrierError } from './errors.js';
import { deadlineAfter, now } from './futex.js';
import { Lock } from './lock.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
} from './shared-object.js';

const STATE = 1;
const COUNT = 2;
const PARTIES = 3;
const TIMEOUT = 4;
const NO_TIMEOUT = -1;

const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

const CONDITION_AT = 24;
const LOCK_AT = CONDITION_AT + Condition.BYTES;

export interface BarrierOptions extends PlacementOptions {
  /** Called by the last thread to arrive, before any is released. If it throws, the barrier breaks. */
  action?: () => void;
  /** Default timeout (ms) for `wait()`; integer milliseconds. */
  timeout?: number;
}

export class Barrier extends SharedObject<'Barrier'> {
  static readonly BYTES = LOCK_AT + Lock.BYTES;

  private readonly cond: Condition;
  private readonly action: (() => void) | undefined;

  constructor(parties: number, options?: BarrierOptions | (Attach & Pick<BarrierOptions, 'action'>)) {
    super('Barrier', Barrier.BYTES, options);
    const at = (offset: number) => ({ buffer: this.buffer, byteOffset: this.byteOffset + offset });
    this.action = options?.action;
    if (options !== undefined && ATTACH in options) {
      this.cond = Condition.from({ kind: 'Condition', ...at(CONDITION_AT), lock: { kind: 'Lock', ...at(LOCK_AT) } });
      return;
    }
    if (!Number.isInteger(parties) || parties < 1)
      throw new RangeError(`parties must be a positive integer, got ${String(parties)}`);
    const timeout = (options as BarrierOptions | undefined)?.timeout;
    if (timeout !== undefined) deadlineAfter(timeout); // validates
    this.cond = new Condition(new Lock({ memory: at(LOCK_AT) }), { memory: at(CONDITION_AT) });
    Atomics.store(this.i32, PARTIES, parties);
    Atomics.store(this.i32, TIMEOUT, timeout === undefined ? NO_TIMEOUT : Math.min(0x7fffffff, Math.ceil(timeout)));
  }

  /** Rebuilds the Barrier in this thread; `action` is what this thread runs if it arrives last. */
  static from(handle: SharedHandle<'Barrier'>, options?: { action?: () => void }): Barrier {
    checkHandle(handle, 'Barrier');
    return new Barrier(0, { [ATTACH]: handle, action: options?.action });
  }

  /** Threads needed to pass the barrier. */
  get parties(): number {
    return this.i32[PARTIES]!;
  }

  /** Threads currently waiting in the filling barrier. */
  get nWaiting(): number {
    return Atomics.load(this.i32, STATE) === FILLING ? Atomics.load(this.i32, COUNT) : 0;
  }

  /** Whether the barrier is broken (abort, timeout, failed action) and needs `reset()`. */
  get broken(): boolean {
    return Atomics.load(this.i32, STATE) === BROKEN;
  }

  /**
   * Waits until all parties have called `wait`, then returns this thread's arrival index
   * (0 .. parties-1, unique per round). `timeout` (ms) defaults to the barrier's own.
   * @throws BrokenBarrierError if the barrier is or becomes broken or reset, or the wait times out
   *   (which breaks it for everyone).
   */
  wait(timeout?: number): number {
    const own = this.i32[TIMEOUT]!;
    const deadline = deadlineAfter(timeout ?? (own === NO_TIMEOUT ? undefined : own));
    const w = this.i32;
    using _ = this.cond.hold();
    this.enter();
    const index = w[COUNT]!;
    Atomics.store(w, COUNT, index + 1);
    try {
      if (index + 1 === this.parties) this.releaseAll();
      else this.waitForRelease(deadline);
      return index;
    } finally {
      Atomics.store(w, COUNT, w[COUNT]! - 1);
      this.exit();
    }
  }

  /** Returns the barrier to filling; threads waiting in it get BrokenBarrierError. */
  reset(): void {
    using _ = this.cond.hold();
    const w = this.i32;
    if (w[COUNT]! > 0) {
      if (w[STATE] === FILLING || w[STATE] === BROKEN) Atomics.store(w, STATE, RESETTING);
    } else {
      Atomics.store(w, STATE, FILLING);
    }
    this.cond.notifyAll();
  }

  /** Breaks the barrier: current and future waits raise BrokenBarrierError until `reset()`. */
  abort(): void {
    using _ = this.cond.hold();
    this.break();
  }

  /** Waits while a previous round drains or resets; raises if broken. */
  private enter(): void {
    while (this.i32[STATE] === DRAINING || this.i32[STATE] === RESETTING) this.cond.wait();
    if (this.i32[STATE]! < 0) throw new BrokenBarrierError('the barrier is broken: call reset() before using it again');
  }

  /** The last arrival: run the action, then release everyone. */
  private releaseAll(): void {
    try {
      this.action?.();
      Atomics.store(this.i32, STATE, DRAINING);
      this.cond.notifyAll();
    } catch (error) {
      this.break();
      throw error;
    }
  }

  private waitForRelease(deadline: number): void {
    const left = deadline === Infinity ? undefined : Math.max(0, deadline - now());
    if (!this.cond.waitFor(() => this.i32[STATE] !== FILLING, left)) {
      this.break();
      throw new BrokenBarrierError(
        `barrier wait timed out with ${this.i32[COUNT]} of ${this.parties} parties arrived; the barrier is now broken`,
      );
    }
    if (this.i32[STATE]! < 0) throw new BrokenBarrierError('the barrier was aborted or reset while this thread waited');
  }

  /** The last thread out of a drained or reset barrier opens it for the next round. */
  private exit(): void {
    if (this.i32[COUNT] === 0 && (this.i32[STATE] === DRAINING || this.i32[STATE] === RESETTING)) {
      Atomics.store(this.i32, STATE, FILLING);
      this.cond.notifyAll();
    }
  }

  private break(): void {
    Atomics.store(this.i32, STATE, BROKEN);
    this.cond.notifyAll();
  }
}
