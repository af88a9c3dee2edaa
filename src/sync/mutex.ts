/**
 * The futex mutex of Drepper's "Futexes Are Tricky" (mutex #2, the three-state lock), as functions
 * over one Int32 word so that Lock, RLock and every composite object share one implementation.
 *
 * State legend:  0 unlocked   1 locked, no waiters   2 locked, waiters may be sleeping
 *
 * - The uncontended path is one compareExchange to lock and one to unlock, and never notifies.
 * - A contended locker marks the word 2 (exchange) before sleeping, so the unlocker knows to wake
 *   one sleeper. A woken thread exchanges 2 again: it cannot know whether others still sleep.
 * - Before sleeping we spin briefly: a lock is usually held for well under a microsecond, far less
 *   than a sleep/wake round trip. The lock barges (no FIFO hand-off), like CPython's and Drepper's.
 * - A timed-out locker may leave the word at 2 with nobody asleep; that costs the next unlock one
 *   needless notify and is otherwise harmless.
 */
import { park, type Steps } from './park.js';

export const UNLOCKED = 0;
export const LOCKED = 1;
export const CONTENDED = 2;

/** Spins before sleeping; short enough to cost little when the holder is descheduled. */
const SPIN = 100;

/** Takes the lock if it is free, without waiting. */
export function tryLock(i32: Int32Array, at: number): boolean {
  return Atomics.compareExchange(i32, at, UNLOCKED, LOCKED) === UNLOCKED;
}

/** Written by {@link pause} so that its loop cannot be optimised away. */
let sink = 0;

/**
 * Busy-waits `n` rounds of a little arithmetic (a few nanoseconds each) without touching shared
 * memory: a spinner that re-reads a shared word only between pauses lets the thread that writes
 * it keep the cache line, instead of paying a transfer for every write (JavaScript has no PAUSE
 * instruction).
 */
export function pause(n: number): void {
  let x = sink;
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
  sink = x;
}

/**
 * Tries to take the lock for up to `spins` loads of the word (test-and-test-and-set: it reads
 * until the word looks free and only then tries the compareExchange, so spinning does not steal
 * the cache line from the holder). With `backoff`, it pauses between polls, from 8 rounds
 * doubling up to `backoff` rounds. Never sleeps; false if the lock stayed taken.
 */
export function spinLock(i32: Int32Array, at: number, spins: number, backoff = 0): boolean {
  let delay = backoff > 0 ? 8 : 0;
  for (let i = 0; i < spins; i++) {
    if (Atomics.load(i32, at) === UNLOCKED && tryLock(i32, at)) return true;
    if (delay > 0) {
      pause(delay);
      if (delay < backoff) delay *= 2;
    }
  }
  return false;
}

/**
 * The slow path, after `tryLock` failed: true once taken, false if `deadline` passed first
 * (a deadline of 0 means "don't wait": blocking false).
 */
export function* lockSteps(i32: Int32Array, at: number, deadline: number): Steps<boolean> {
  if (deadline === 0) return false;
  if (spinLock(i32, at, SPIN)) return true;
  while (Atomics.exchange(i32, at, CONTENDED) !== UNLOCKED) {
    if ((yield park(i32, at, CONTENDED, deadline)) === 'timed-out') {
      return Atomics.compareExchange(i32, at, UNLOCKED, CONTENDED) === UNLOCKED;
    }
  }
  return true;
}

/** Unlocks; false (and no change) if the lock was not locked. Wakes one sleeper if any may exist. */
export function unlock(i32: Int32Array, at: number): boolean {
  const previous = Atomics.compareExchange(i32, at, LOCKED, UNLOCKED);
  if (previous === LOCKED) return true;
  if (previous === UNLOCKED) return false;
  Atomics.store(i32, at, UNLOCKED);
  Atomics.notify(i32, at, 1);
  return true;
}
