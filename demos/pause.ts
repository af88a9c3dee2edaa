/** Sleeping, Python's `time.sleep`, for demo threads and the main thread. */

const nap = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread for `ms` (use it inside threads; the main thread must not block). */
export function sleep(ms: number): void {
  Atomics.wait(nap, 0, 0, ms);
}

/** The main thread's sleep: resolves after `ms` without blocking the event loop. */
export function sleepAsync(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
