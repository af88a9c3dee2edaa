/**
 * Blocking algorithms written once, run two ways.
 *
 * Each slow path (lock, semaphore acquire, condition wait, ...) is a generator that yields a
 * {@link Park} whenever it needs to sleep on a word and receives the wait's result back.
 * `runBlocking` drives it with `Atomics.wait` (worker threads); `runAsync` drives it with
 * `Atomics.waitAsync` (event-loop threads, which must never block). So `acquire` and
 * `acquireAsync` cannot drift apart: they are the same code.
 */
import { type WaitResult, wait, waitAsync } from './futex.js';

/** A request to sleep while `i32[index] === expected`, until notified or `deadline`. */
export interface Park {
  readonly i32: Int32Array;
  readonly index: number;
  readonly expected: number;
  readonly deadline: number;
}

export type Steps<T> = Generator<Park, T, WaitResult>;

export function park(i32: Int32Array, index: number, expected: number, deadline: number): Park {
  return { i32, index, expected, deadline };
}

/** Runs `steps` on this thread, blocking it while parked. */
export function runBlocking<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) {
    const p = step.value;
    step = steps.next(wait(p.i32, p.index, p.expected, p.deadline));
  }
  return step.value;
}

/** Runs `steps` without blocking the event loop. */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    const p = step.value;
    step = steps.next(await waitAsync(p.i32, p.index, p.expected, p.deadline));
  }
  return step.value;
}
