/**
 * RLock: a re-entrant lock (Python's `threading.RLock`). The owning thread may acquire it again
 * without blocking; it is free once released as many times as acquired. Only the owner may
 * release it, and ownership lives in shared memory (the owner's thread id), so the check holds
 * across workers.
 *
 * Words: those of Lock (tag, state, owner, acquisitions, contended) and 5: recursion count.
 * The count is touched only by the owner.
 */

import { LockNotHeldError } from './errors.js';
import { acquireDeadline } from './futex.js';
import type { AcquireOptions } from './hold.js';
import { HOLDER, Lock, STATE } from './lock.js';
import { unlock } from './mutex.js';
import type { Steps } from './park.js';
import { ATTACH, type Attach, checkHandle, type PlacementOptions, type SharedHandle } from './shared-object.js';
import { NO_OWNER, SELF } from './thread-id.js';

const COUNT = 5;

export class RLock extends Lock {
  static override readonly BYTES = 24;

  constructor(options?: PlacementOptions | Attach) {
    super(options, 'RLock', RLock.BYTES);
  }

  /** Rebuilds, in this thread, the RLock that `handle` describes. */
  static override from(handle: SharedHandle<'Lock' | 'RLock'>): RLock {
    checkHandle(handle, 'RLock');
    return new RLock({ [ATTACH]: handle });
  }

  /**
   * Acquires the lock. If this thread already owns it, increments the recursion level and returns
   * true at once. Otherwise behaves like `Lock.acquire` (blocking, non-blocking, or timed).
   */
  override acquire(opts?: AcquireOptions): boolean {
    acquireDeadline(opts); // validates options even when re-entering
    if (this.reenter()) return true;
    return super.acquire(opts);
  }

  override async acquireAsync(opts?: AcquireOptions): Promise<boolean> {
    acquireDeadline(opts);
    if (this.reenter()) return true;
    return super.acquireAsync(opts);
  }

  /**
   * Decrements the recursion level; at zero the lock is free for other threads.
   * @throws LockNotHeldError if the calling thread does not own the lock.
   */
  override release(): void {
    if (!this.isOwnedByMe()) {
      throw new LockNotHeldError(
        'cannot release un-acquired lock: only the thread that acquired an RLock may release it',
      );
    }
    const count = this.i32[COUNT]! - 1;
    this.i32[COUNT] = count;
    if (count === 0) this.releaseFully();
  }

  /** How many times the owner has acquired it (0 when free; meaningful to the owner). */
  get recursionLevel(): number {
    return this.isOwnedByMe() ? this.i32[COUNT]! : 0;
  }

  /** @internal */
  override isOwnedByMe(): boolean {
    return Atomics.load(this.i32, HOLDER) === SELF;
  }

  /** @internal */
  override releaseAll(): number {
    if (!this.isOwnedByMe()) throw new LockNotHeldError('cannot release un-acquired lock');
    const count = this.i32[COUNT]!;
    this.releaseFully();
    return count;
  }

  /** @internal */
  override *reacquireSteps(saved: number): Steps<void> {
    yield* super.reacquireSteps(saved);
    this.i32[COUNT] = saved;
  }

  protected override taken(contended: boolean): true {
    super.taken(contended);
    this.i32[COUNT] = 1;
    return true;
  }

  private reenter(): boolean {
    if (!this.isOwnedByMe()) return false;
    this.i32[COUNT]!++;
    return true;
  }

  private releaseFully(): void {
    this.i32[COUNT] = 0;
    this.i32[HOLDER] = NO_OWNER;
    unlock(this.i32, STATE);
  }
}
