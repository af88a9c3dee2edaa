/**
 * The one place that blocks: futex-style waits on an Int32Array word, with deadlines.
 *
 * - Deadlines are absolute times on the monotonic clock (`performance.now()`), so a wall-clock
 *   jump cannot stretch or shrink a timeout; after every wakeup callers recompute what is left.
 * - `waitAsync` keeps the event loop alive while it waits: on Node 20 a pending
 *   `Atomics.waitAsync` alone does not, and its timeout would never fire (see the design notes).
 * - Every caller re-checks its predicate in a loop: `"ok"` can be spurious or stolen, and
 *   `"not-equal"` just means the word moved on before we slept.
 */

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** Milliseconds on the monotonic clock. */
export const now = (): number => performance.now();

/**
 * Epoch milliseconds with sub-millisecond resolution, comparable across threads (each thread's
 * `timeOrigin` is its own start, so `now()` alone is not).
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Validates a user timeout (milliseconds, `undefined` = forever) and turns it into a deadline.
 * @throws RangeError for a negative or NaN timeout.
 */
export function deadlineAfter(timeout: number | undefined): number {
  if (timeout === undefined || timeout === Infinity) return Infinity;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a non-negative number of milliseconds or undefined, got ${String(timeout)}`);
  }
  return now() + timeout;
}

/** Milliseconds left until `deadline` (0 when passed, Infinity for no deadline). */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - now());
}

/** Validates `{ blocking, timeout }` the way CPython's `Lock.acquire` does; returns the deadline. */
export function acquireDeadline(opts: { blocking?: boolean; timeout?: number } | undefined): number {
  const blocking = opts?.blocking ?? true;
  if (!blocking) {
    if (opts?.timeout !== undefined) throw new TypeError("can't specify a timeout for a non-blocking call");
    return 0;
  }
  return deadlineAfter(opts?.timeout);
}

/** Blocks this thread while `i32[index] === expected`, until notified or `deadline`. */
export function wait(i32: Int32Array, index: number, expected: number, deadline: number): WaitResult {
  const ms = remaining(deadline);
  if (ms === 0) return Atomics.load(i32, index) === expected ? 'timed-out' : 'not-equal';
  return Atomics.wait(i32, index, expected, ms);
}

/** The longest delay a Node timer accepts. */
const MAX_TIMER_MS = 0x7fffffff;

/** Like {@link wait} without blocking the event loop (which it keeps alive meanwhile). */
export function waitAsync(
  i32: Int32Array,
  index: number,
  expected: number,
  deadline: number,
): Promise<WaitResult> | WaitResult {
  const ms = remaining(deadline);
  if (ms === 0) return Atomics.load(i32, index) === expected ? 'timed-out' : 'not-equal';
  const result = Atomics.waitAsync(i32, index, expected, ms);
  if (!result.async) return result.value;
  // A ref'd timer is what keeps Node's loop running; it is cleared as soon as the wait settles.
  // An interval, not a one-shot timeout: V8 resolves the timed-out wait from its own timer, which
  // may fire after ours, and with nothing left alive in between the thread would exit first.
  // Node timers take at most 2^31-1 ms (a longer delay becomes 1 ms, with a warning).
  const keepAlive = setInterval(() => {}, Math.min(ms + 1, MAX_TIMER_MS));
  return result.value.finally(() => clearTimeout(keepAlive));
}

/** Wakes up to `count` threads waiting on `i32[index]`; returns how many woke. */
export function notify(i32: Int32Array, index: number, count = Infinity): number {
  return Atomics.notify(i32, index, count);
}
