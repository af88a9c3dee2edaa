/**
 * Semaphore: a counter of permits shared across workers (Python's `threading.Semaphore`).
 * `acquire` takes a permit, waiting while there are none; `release(n)` returns n permits.
 *
 * Words:  0 tag   1 permits (the futex word)   2 sleeping acquirers   3 bound (-1: none)
 *
 * Acquire is a compareExchange loop on the permit count: no lock. A thread with nothing to take
 * registers as a sleeper, then sleeps while the count is still 0. Release adds permits first and
 * wakes exactly n sleepers only if any registered: with sequentially consistent atomics either the
 * releaser sees the sleeper, or the sleeper's wait sees the new count and does not sleep.
 * No wake order is promised (CPython: "may pick one at random").
 */

import { SemaphoreOverReleaseError } from './errors.js';
import { acquireDeadline, notify } from './futex.js';
import { type AcquireOptions, type Hold, holdOf, holdOfAsync } from './hold.js';
import { park, runAsync, runBlocking, type Steps } from './park.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
} from './shared-object.js';

const PERMITS = 1;
const SLEEPERS = 2;
const BOUND = 3;
const UNBOUNDED = -1;
/** The most permits a semaphore holds: its count is one Int32 word. */
const MAX_PERMITS = 0x7fffffff;

export class Semaphore extends SharedObject<'Semaphore' | 'BoundedSemaphore'> {
  static readonly BYTES = 16;

  /** @param value initial permits, a non-negative integer (default 1). */
  constructor(value?: number, options?: PlacementOptions | Attach);
  /** @internal for BoundedSemaphore. */
  constructor(value: number, options: PlacementOptions | Attach | undefined, kind: 'BoundedSemaphore');
  constructor(value = 1, options?: PlacementOptions | Attach, kind: 'Semaphore' | 'BoundedSemaphore' = 'Semaphore') {
    super(kind, Semaphore.BYTES, options);
    if (options !== undefined && ATTACH in options) return;
    if (!Number.isInteger(value) || value < 0 || value > MAX_PERMITS) {
      throw new RangeError(`semaphore initial value must be an integer from 0 to 2^31-1, got ${String(value)}`);
    }
    Atomics.store(this.i32, PERMITS, value);
    Atomics.store(this.i32, BOUND, kind === 'BoundedSemaphore' ? value : UNBOUNDED);
  }

  /** Rebuilds, in this thread, the Semaphore that `handle` describes. */
  static from(handle: SharedHandle<'Semaphore' | 'BoundedSemaphore'>): Semaphore {
    checkHandle(handle, 'Semaphore');
    return new Semaphore(0, { [ATTACH]: handle });
  }

  /**
   * Takes one permit. With no options, blocks while there is none and returns true.
   * With `blocking: false`, returns false at once if none is free. With `timeout` (ms), returns
   * false if none came free in time.
   */
  acquire(opts?: AcquireOptions): boolean {
    const deadline = acquireDeadline(opts); // validates options even when a permit is free
    return this.tryTake() || runBlocking(this.acquireSlow(deadline));
  }

  /** Like {@link acquire}, but waits without blocking the event loop. */
  async acquireAsync(opts?: AcquireOptions): Promise<boolean> {
    const deadline = acquireDeadline(opts);
    return this.tryTake() || runAsync(this.acquireSlow(deadline));
  }

  /**
   * Returns `n` permits (default 1) and wakes up to `n` waiting acquirers.
   * @throws RangeError if `n` is not an integer from 1 to 2^31-1, or if the semaphore would then
   *   hold more than 2^31-1 permits (the most its shared word holds; the semaphore is unchanged).
   * @throws SemaphoreOverReleaseError on a BoundedSemaphore, if that would exceed its initial value.
   */
  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1 || n > MAX_PERMITS)
      throw new RangeError(`n must be an integer from 1 to 2^31-1, got ${String(n)}`);
    const bound = Atomics.load(this.i32, BOUND);
    for (;;) {
      const permits = Atomics.load(this.i32, PERMITS);
      if (bound !== UNBOUNDED && permits + n > bound) {
        throw new SemaphoreOverReleaseError(
          `Semaphore released too many times: ${permits} of ${bound} permits are free, ` +
            `releasing ${n} more would exceed the bound; release only what you acquired`,
        );
      }
      // The word is an Int32: past 2^31-1 it would wrap to a negative count that still reads as taken.
      if (permits + n > MAX_PERMITS)
        throw new RangeError(
          `Semaphore.release(${n}): ${permits} permits are free, and a semaphore holds at most 2^31-1; ` +
            'release fewer',
        );
      if (Atomics.compareExchange(this.i32, PERMITS, permits, permits + n) === permits) break;
    }
    if (Atomics.load(this.i32, SLEEPERS) > 0) notify(this.i32, PERMITS, n);
  }

  /** Permits free right now (stale as soon as it returns; for display). */
  get value(): number {
    return Atomics.load(this.i32, PERMITS);
  }

  /** Threads asleep waiting for a permit right now (for display). */
  get waiting(): number {
    return Atomics.load(this.i32, SLEEPERS);
  }

  /** `using _ = sem.hold()` holds one permit until the end of the block. */
  hold(opts?: AcquireOptions): Hold {
    return holdOf(this, opts);
  }

  /** `using _ = await sem.holdAsync()`, waiting without blocking the event loop. */
  holdAsync(opts?: AcquireOptions): Promise<Hold> {
    return holdOfAsync(this, opts);
  }

  private tryTake(): boolean {
    for (;;) {
      const permits = Atomics.load(this.i32, PERMITS);
      if (permits === 0) return false;
      if (Atomics.compareExchange(this.i32, PERMITS, permits, permits - 1) === permits) return true;
    }
  }

  private *acquireSlow(deadline: number): Steps<boolean> {
    if (deadline === 0) return false;
    for (;;) {
      Atomics.add(this.i32, SLEEPERS, 1);
      let result: unknown;
      try {
        result = yield park(this.i32, PERMITS, 0, deadline);
      } finally {
        Atomics.sub(this.i32, SLEEPERS, 1);
      }
      if (this.tryTake()) return true;
      if (result === 'timed-out') return false;
    }
  }
}
