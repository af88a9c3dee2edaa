/** Shared bits of the synchronization-primitive tests (test/sync). */
import { expect } from 'vitest';

/** Iteration counts scale with `STRESS` (default 1, so CI stays fast; try STRESS=20 for a soak). */
export const STRESS = Math.max(1, Number(process.env.STRESS ?? 1) || 1);

/** A zeroed Int32Array of `n` words in shared memory. */
export const shared = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

/** Upper slack for anything timed: machines are shared and noisy, so only a wide band is checked. */
export const SLACK_MS = 5000;

/**
 * Asserts that something that should take `timeout` ms took about that long: at least 0.6× (it
 * did wait, CPython's assertTimeout) and less than `timeout` + 5 s (it did not hang). Never tighter.
 */
export function expectAboutTimeout(elapsed: number, timeout: number, what = 'elapsed ms'): void {
  expect(elapsed, what).toBeGreaterThanOrEqual(0.6 * timeout);
  expect(elapsed, what).toBeLessThan(timeout + SLACK_MS);
}

/** Times a call on the monotonic clock. */
export function timed<T>(fn: () => T): { value: T; elapsed: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, elapsed: performance.now() - t0 };
}

/** Like {@link timed} for a promise. */
export async function timedAsync<T>(promise: () => Promise<T>): Promise<{ value: T; elapsed: number }> {
  const t0 = performance.now();
  const value = await promise();
  return { value, elapsed: performance.now() - t0 };
}

/** Counts setInterval ticks: proof that this thread's event loop keeps running meanwhile. */
export function ticker(everyMs = 5): { readonly ticks: number; stop(): number } {
  let ticks = 0;
  const timer = setInterval(() => ticks++, everyMs);
  return {
    get ticks() {
      return ticks;
    },
    stop() {
      clearInterval(timer);
      return ticks;
    },
  };
}
