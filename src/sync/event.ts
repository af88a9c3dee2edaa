/**
 * Event: a flag that threads can wait for (Python's `threading.Event`).
 *
 * Words:  0 tag   1 flag (0/1)   2 generation, bumped by every set() that raised the flag
 *
 * Waiters sleep on the generation, not the flag: a set() followed at once by clear() still moves
 * the generation, so every thread that was waiting returns true (CPython issue #13502), and a
 * monotonic counter cannot suffer the A-B-A problem a 0→1→0 flag would.
 */

import { deadlineAfter, notify } from './futex.js';
import { park, runAsync, runBlocking, type Steps } from './park.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
} from './shared-object.js';

const FLAG = 1;
const GENERATION = 2;

export class Event extends SharedObject<'Event'> {
  static readonly BYTES = 16;

  constructor(options?: PlacementOptions | Attach) {
    super('Event', Event.BYTES, options);
  }

  /** Rebuilds, in this thread, the Event that `handle` describes. */
  static from(handle: SharedHandle<'Event'>): Event {
    checkHandle(handle, 'Event');
    return new Event({ [ATTACH]: handle });
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.i32, FLAG) === 1;
  }

  /** Sets the flag and wakes every waiting thread, in every worker. */
  set(): void {
    if (Atomics.exchange(this.i32, FLAG, 1) === 1) return;
    Atomics.add(this.i32, GENERATION, 1);
    notify(this.i32, GENERATION);
  }

  /** Clears the flag: later `wait` calls block until the next `set`. */
  clear(): void {
    Atomics.store(this.i32, FLAG, 0);
  }

  /**
   * Blocks until the flag is set or `timeout` ms pass. Returns true if the flag was set (even if
   * cleared again before this thread woke), false on timeout.
   */
  wait(timeout?: number): boolean {
    return this.isSet() || runBlocking(this.waitSteps(deadlineAfter(timeout)));
  }

  /** Like {@link wait}, without blocking the event loop. */
  async waitAsync(timeout?: number): Promise<boolean> {
    // async, so that a bad timeout rejects the promise rather than throwing at the call site
    return this.isSet() || runAsync(this.waitSteps(deadlineAfter(timeout)));
  }

  private *waitSteps(deadline: number): Steps<boolean> {
    const generation = Atomics.load(this.i32, GENERATION);
    // set() raises the flag before bumping the generation: re-check, or we could sleep through it.
    if (this.isSet()) return true;
    for (;;) {
      const result = yield park(this.i32, GENERATION, generation, deadline);
      if (Atomics.load(this.i32, GENERATION) !== generation) return true;
      if (result === 'timed-out') return this.isSet();
    }
  }
}
