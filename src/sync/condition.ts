/**
 * Condition: a condition variable bound to a Lock or RLock (Python's `threading.Condition`).
 *
 * Words:  0 tag   1 sequence (the futex word)   2 waiters   3 wake tokens
 * Waiters and tokens change only under the lock; the sequence is read under the lock too.
 *
 * No lost wakeups: a waiter reads the sequence *before* releasing the lock and sleeps only while it
 * is unchanged, and notify bumps it; a notify that lands between the release and the sleep makes
 * the sleep return at once (parlib's Cond, after locklessinc's mutex_cv_futex).
 * Exact counts: notify(n) hands out min(n, waiters without a token) tokens; a woken waiter
 * reacquires the lock and returns true only if it takes a token, else goes back to sleep. So
 * notify(3) releases three waiters even when a fourth wakes spuriously or was not yet asleep.
 * A waiter whose timeout expires still takes a token if one is there and a notify came after it
 * began to wait: it was notified in time. One that began after the last notify takes none, so it
 * cannot take a wakeup from a waiter that was notified but has not got the lock back yet.
 */

import { LockNotHeldError } from './errors.js';
import { deadlineAfter, notify, now } from './futex.js';
import { type AcquireOptions, type Hold, holdOf, holdOfAsync } from './hold.js';
import { Lock } from './lock.js';
import { park, runAsync, runBlocking, type Steps } from './park.js';
import { RLock } from './rlock.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
} from './shared-object.js';

const SEQUENCE = 1;
const WAITERS = 2;
const TOKENS = 3;

export interface ConditionHandle extends SharedHandle<'Condition'> {
  readonly lock: SharedHandle<'Lock' | 'RLock'>;
}

export class Condition extends SharedObject<'Condition'> {
  /** Bytes of the condition's own words. */
  static readonly BYTES = 16;
  /** Bytes when it also places its own RLock (no lock given) in the same memory. */
  static readonly BYTES_WITH_LOCK = Condition.BYTES + RLock.BYTES;

  /** The lock this condition is bound to. */
  readonly lock: Lock | RLock;

  /**
   * @param lock the Lock or RLock to bind to; by default a new RLock (as in Python), placed in the
   *   same shared memory as the condition.
   */
  constructor(lock?: Lock | RLock, options?: PlacementOptions | Attach) {
    let placement = options;
    if (lock === undefined && (options === undefined || !(ATTACH in options))) {
      const memory = options?.memory ?? { buffer: new SharedArrayBuffer(Condition.BYTES_WITH_LOCK), byteOffset: 0 };
      placement = { memory };
      lock = new RLock({ memory: { buffer: memory.buffer, byteOffset: memory.byteOffset + Condition.BYTES } });
    }
    super('Condition', Condition.BYTES, placement);
    this.lock = lock!;
  }

  /** Rebuilds, in this thread, the Condition (and its lock) that `handle` describes. */
  static from(handle: ConditionHandle): Condition {
    checkHandle(handle, 'Condition');
    const lock =
      handle.lock?.kind === 'RLock'
        ? RLock.from(handle.lock as SharedHandle<'RLock'>)
        : Lock.from(handle.lock as SharedHandle<'Lock'>);
    return new Condition(lock, { [ATTACH]: handle });
  }

  override get handle(): ConditionHandle {
    return { ...super.handle, lock: this.lock.handle };
  }

  /** Acquires the underlying lock (see `Lock.acquire`). */
  acquire(opts?: AcquireOptions): boolean {
    return this.lock.acquire(opts);
  }

  acquireAsync(opts?: AcquireOptions): Promise<boolean> {
    return this.lock.acquireAsync(opts);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** `using _ = cond.hold()` holds the underlying lock until the end of the block. */
  hold(opts?: AcquireOptions): Hold {
    return holdOf(this, opts);
  }

  holdAsync(opts?: AcquireOptions): Promise<Hold> {
    return holdOfAsync(this, opts);
  }

  /**
   * Releases the lock, sleeps until notified or `timeout` ms pass, then reacquires the lock
   * (however long that takes) and returns: true if notified, false on timeout.
   * @throws LockNotHeldError if the calling thread does not hold the lock.
   */
  wait(timeout?: number): boolean {
    return runBlocking(this.waitSteps(timeout));
  }

  /** Like {@link wait}, without blocking the event loop. */
  waitAsync(timeout?: number): Promise<boolean> {
    return runAsync(this.waitSteps(timeout));
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after every wakeup, for at most `timeout` ms
   * in all. Returns the predicate's last value (falsy if it timed out).
   * @throws LockNotHeldError if the calling thread does not hold the lock (even if no wait is needed).
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    return runBlocking(this.waitForSteps(predicate, timeout));
  }

  waitForAsync<T>(predicate: () => T, timeout?: number): Promise<T> {
    return runAsync(this.waitForSteps(predicate, timeout));
  }

  /**
   * Wakes up to `n` threads waiting on this condition (default 1). Needs the lock held; the woken
   * threads return from `wait` once they can reacquire it.
   * @throws RangeError unless `n` is a non-negative integer or Infinity.
   */
  notify(n = 1): void {
    this.checkOwned('notify on');
    // Checked before touching the tokens: a NaN would turn into 0 when stored and so cancel
    // wakeups already handed out to earlier notified waiters.
    if (!(Number.isInteger(n) || n === Infinity) || n < 0) {
      throw new RangeError(`n must be a non-negative integer or Infinity, got ${String(n)}`);
    }
    const w = this.i32;
    const k = Math.min(n, w[WAITERS]! - w[TOKENS]!);
    if (k <= 0) return;
    w[TOKENS] = w[TOKENS]! + k;
    Atomics.add(w, SEQUENCE, 1);
    notify(w, SEQUENCE, k);
  }

  /** Wakes every thread waiting on this condition. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** Threads waiting on this condition right now (for display). */
  get waiters(): number {
    return Atomics.load(this.i32, WAITERS);
  }

  private checkOwned(what: string): void {
    if (!this.lock.isOwnedByMe()) {
      throw new LockNotHeldError(`cannot ${what} un-acquired lock: acquire the Condition (or its lock) first`);
    }
  }

  /** @internal `wait` as steps, for composite objects' algorithms (the queue's). */
  *waitSteps(timeout: number | undefined): Steps<boolean> {
    this.checkOwned('wait on');
    const deadline = deadlineAfter(timeout);
    const w = this.i32;
    Atomics.add(w, WAITERS, 1);
    const entered = Atomics.load(w, SEQUENCE);
    for (;;) {
      const sequence = Atomics.load(w, SEQUENCE);
      const saved = this.lock.releaseAll();
      const result = yield park(w, SEQUENCE, sequence, deadline);
      yield* this.lock.reacquireSteps(saved);
      // Only a notify since this wait began can release it: a token left by an earlier notify
      // belongs to a waiter that was waiting then (one woken by the futex always passes this).
      if (w[TOKENS]! > 0 && Atomics.load(w, SEQUENCE) !== entered) {
        w[TOKENS] = w[TOKENS]! - 1;
        Atomics.sub(w, WAITERS, 1);
        return true;
      }
      if (result === 'timed-out' || now() >= deadline) {
        Atomics.sub(w, WAITERS, 1);
        return false;
      }
    }
  }

  private *waitForSteps<T>(predicate: () => T, timeout: number | undefined): Steps<T> {
    // Checked up front: otherwise a call without the lock would throw or not depending on whether
    // the predicate held or the (short) timeout ran out before the first wait.
    this.checkOwned('wait on');
    const deadline = deadlineAfter(timeout);
    let result = predicate();
    while (!result) {
      const left = deadline - now();
      if (left <= 0) break;
      yield* this.waitSteps(left === Infinity ? undefined : left);
      result = predicate();
    }
    return result;
  }
}
