/**
 * Errors raised by the synchronization primitives, named after what went wrong.
 * Each message says what the caller should do instead.
 */

/** Releasing (or waiting/notifying on) a lock that the caller does not hold. */
export class LockNotHeldError extends Error {
  override name = 'LockNotHeldError';
}

/** A `BoundedSemaphore` released more times than it was acquired. */
export class SemaphoreOverReleaseError extends Error {
  override name = 'SemaphoreOverReleaseError';
}

/** A `Barrier` that was aborted, reset while threads waited, or timed out. */
export class BrokenBarrierError extends Error {
  override name = 'BrokenBarrierError';
}

/** A handle passed to `X.from()`/`revive()` that does not describe a live shared object of that kind. */
export class InvalidHandleError extends TypeError {
  override name = 'InvalidHandleError';
}

/** A scoped hold (`using _ = lock.hold({ timeout })`) that could not acquire in time. */
export class AcquireTimeoutError extends Error {
  override name = 'AcquireTimeoutError';
}
