/** Errors of threads, timers and executors, named after what went wrong. */

/** A Thread or Timer used out of order: started twice, joined before start. */
export class ThreadStateError extends Error {
  override name = 'ThreadStateError';
}

/** `submit` or `map` on an executor that has been shut down. */
export class ExecutorShutDownError extends Error {
  override name = 'ExecutorShutDownError';
}

/** `Future.result(timeout)` or `exception(timeout)` ran out of time. */
export class FutureTimeoutError extends Error {
  override name = 'FutureTimeoutError';
}

/** The result of a Future that was cancelled. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
