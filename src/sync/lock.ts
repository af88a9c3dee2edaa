/**
 * Lock: a mutual-exclusion lock shared by every worker that holds its handle (Python's
 * `threading.Lock`). It is not owned: any thread may release it, as in Python.
 *
 * Words:  0 tag   1 state (see mutex.ts)   2 holder's thread id + 1 (diagnostics, Condition checks)
 *         3 acquisitions   4 contended acquisitions
 * The counters are written only by the holder while it holds the lock (so plain increments are
 * race-free) and may be read by anyone at any time; they wrap at 2^32 — read them as deltas.
 */

import { LockNotHeldError } from './errors.js';
import { acquireDeadline } from './futex.js';
import { type AcquireOptions, type Hold, holdOf, holdOfAsync } from './hold.js';
import type { ConditionLock } from './lock-protocol.js';
import { LOCKED, lockSteps, spinLock, tryLock, UNLOCKED, unlock } from './mutex.js';
import { runAsync, runBlocking, type Steps } from './park.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
} from './shared-object.js';
import { NO_OWNER, ownerThreadId, SELF } from './thread-id.js';

export const STATE = 1;
export const HOLDER = 2;
const ACQUIRED = 3;
const CONTENDED_ACQUIRED = 4;

export class Lock extends SharedObject<'Lock' | 'RLock'> implements ConditionLock {
  /** Bytes a Lock occupies (for placing one inside a larger buffer). */
  static readonly BYTES = 24;

  constructor(options?: PlacementOptions | Attach);
  /** @internal for RLock, which shares this state machine and adds a recursion count. */
  constructor(options: PlacementOptions | Attach | undefined, kind: 'RLock', bytes: number);
  constructor(options?: PlacementOptions | Attach, kind: 'Lock' | 'RLock' = 'Lock', bytes = Lock.BYTES) {
    super(kind, bytes, options);
  }

  /** Rebuilds, in this thread, the Lock that `handle` describes. */
  static from(handle: SharedHandle<'Lock' | 'RLock'>): Lock {
    checkHandle(handle, 'Lock');
    return new Lock({ [ATTACH]: handle });
  }

  /**
   * Acquires the lock. With no options, blocks until it is free, then takes it and returns true.
   * With `blocking: false`, takes it only if free right now and returns whether it did.
   * With `timeout` (ms), blocks at most that long and returns false if it ran out.
   * Blocks the calling thread: on an event-loop thread use {@link acquireAsync}.
   */
  acquire(opts?: AcquireOptions): boolean {
    const deadline = acquireDeadline(opts); // validates options even when the lock is free
    if (tryLock(this.i32, STATE)) return this.taken(false);
    return runBlocking(this.acquireSlow(deadline));
  }

  /** Like {@link acquire}, but waits without blocking the event loop. */
  async acquireAsync(opts?: AcquireOptions): Promise<boolean> {
    const deadline = acquireDeadline(opts);
    if (tryLock(this.i32, STATE)) return this.taken(false);
    return runAsync(this.acquireSlow(deadline));
  }

  /**
   * Releases the lock; one thread blocked in `acquire` (if any) may then take it.
   * @throws LockNotHeldError if the lock is not locked.
   */
  release(): void {
    if (Atomics.load(this.i32, STATE) === UNLOCKED) throw notHeld();
    this.i32[HOLDER] = NO_OWNER;
    if (!unlock(this.i32, STATE)) throw notHeld();
  }

  /** Whether some thread holds the lock right now (stale as soon as it returns). */
  locked(): boolean {
    return Atomics.load(this.i32, STATE) !== UNLOCKED;
  }

  /** `using _ = lock.hold()` holds the lock until the end of the block (Python's `with lock:`). */
  hold(opts?: AcquireOptions): Hold {
    return holdOf(this, opts);
  }

  /** `using _ = await lock.holdAsync()`: like {@link hold}, waiting without blocking the event loop. */
  holdAsync(opts?: AcquireOptions): Promise<Hold> {
    return holdOfAsync(this, opts);
  }

  /** Lock-free counters for dashboards: acquisitions, those that had to wait, and the holder. */
  stats(): LockStats {
    return {
      acquisitions: Atomics.load(this.i32, ACQUIRED) >>> 0,
      contended: Atomics.load(this.i32, CONTENDED_ACQUIRED) >>> 0,
      holder: ownerThreadId(Atomics.load(this.i32, HOLDER)),
    };
  }

  /** @internal the fast path alone: takes the lock if it is free right now. */
  tryAcquire(): boolean {
    return tryLock(this.i32, STATE) && this.taken(false);
  }

  /**
   * @internal a composite object's fast path (the queue's): takes the lock if it is free, else
   * spins up to `spins` loads waiting for it — never sleeps, never allocates. False if it stayed
   * taken (its holder is likely descheduled): the caller then goes the sleeping way.
   */
  spinAcquire(spins: number, backoff = 0): boolean {
    const w = this.i32;
    if (tryLock(w, STATE)) return this.taken(false);
    return spinLock(w, STATE, spins, backoff) && this.taken(true);
  }

  /**
   * @internal release by a caller that knows it holds the lock (a composite object's fast path):
   * the same as {@link release} minus the not-held check.
   */
  releaseHeld(): void {
    const w = this.i32;
    w[HOLDER] = NO_OWNER;
    if (Atomics.compareExchange(w, STATE, LOCKED, UNLOCKED) !== LOCKED) unlock(w, STATE);
  }

  /** @internal the whole acquire as steps, for composite objects' algorithms (the queue's). */
  *acquireSteps(deadline: number): Steps<boolean> {
    return this.tryAcquire() || (yield* this.acquireSlow(deadline));
  }

  /** @internal */
  isOwnedByMe(): boolean {
    return this.locked() && Atomics.load(this.i32, HOLDER) === SELF;
  }

  /** @internal */
  releaseAll(): number {
    this.release();
    return 1;
  }

  /** @internal */
  *reacquireSteps(_saved: number): Steps<void> {
    if (!tryLock(this.i32, STATE)) yield* this.acquireSlow(Infinity);
    else this.taken(false);
  }

  protected *acquireSlow(deadline: number): Steps<boolean> {
    return (yield* lockSteps(this.i32, STATE, deadline)) && this.taken(true);
  }

  /** Bookkeeping done by the new holder, under the lock. */
  protected taken(contended: boolean): true {
    const w = this.i32;
    w[HOLDER] = SELF;
    w[ACQUIRED] = (w[ACQUIRED]! + 1) | 0;
    if (contended) w[CONTENDED_ACQUIRED] = (w[CONTENDED_ACQUIRED]! + 1) | 0;
    return true;
  }
}

function notHeld(): LockNotHeldError {
  return new LockNotHeldError('release unlocked lock: call release() only after a successful acquire()');
}

export interface LockStats {
  /** Successful acquisitions since creation (wraps at 2^32). */
  acquisitions: number;
  /** Acquisitions that found the lock taken and had to spin or sleep (wraps at 2^32). */
  contended: number;
  /** worker_threads `threadId` of the current holder, if any (racy: for display only). */
  holder: number | undefined;
}
