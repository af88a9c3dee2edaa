/**
 * The ring under BoundedQueue: a bounded FIFO of `capacity` slots in shared memory, one lock for
 * the producers and one for the consumers, each side caching the other's index.
 *
 * Design. Michael and Scott's two-lock queue ("Simple, Fast, and Practical Non-Blocking and
 * Blocking Concurrent Queue Algorithms", PODC 1996) on an array instead of a linked list: putters
 * serialize on the put lock and own TAIL, getters serialize on the get lock and own HEAD, so a
 * put and a get never wait for each other and copy their items at the same time. Each side keeps
 * the last value it read of the other side's index (HEAD_SEEN, TAIL_SEEN) and reads the real one
 * only when its cached view says the ring is full (putters) or empty (getters), as single-producer
 * rings do (Lamport, "Specifying Concurrent Program Modules", 1983; the cached "local" indices of
 * Lee, Bu and Chandranmenon's MCRingBuffer, IPDPS 2010; Rigtorp's SPSCQueue). So the producers'
 * and consumers' cache lines cross between cores in bulk, once per lap of the cached view, not
 * once per item — the cost that kept the one-lock queue, whose every put and get wrote the same
 * line, under 7 M items/s (and a plain Vyukov ring, one shared sequence word per slot, measured no
 * better). Sleeping, timeouts and shutdown stay on futex words, as in CPython's queue.py loops.
 *
 * Positions. HEAD and TAIL count slots modulo 2 × capacity, so "empty" (HEAD = TAIL) and "full"
 * (TAIL - HEAD = capacity) differ for every capacity, 1 and odd sizes included; the slot of a
 * position p is p mod capacity.
 *
 * Invariants (each holds whenever neither lock is held, and for the side's own words at all
 * times under its lock):
 *   I1 0 <= TAIL - HEAD <= capacity (mod 2 × capacity): the slots from HEAD to TAIL hold items.
 *   I2 Only a putter holding the put lock writes TAIL, HEAD_SEEN, PUT_LO/HI, HIGH_WATER and the
 *      slots from TAIL on; only a getter holding the get lock writes HEAD, TAIL_SEEN, GOT_LO/HI
 *      and reads the slots from HEAD on. A slot is written only while it is outside [HEAD, TAIL).
 *   I3 HEAD_SEEN is some past value of HEAD, TAIL_SEEN some past value of TAIL: a cached view
 *      only ever underestimates the room (putters) or the items (getters), never overstates it.
 *   I4 Publication: a putter writes the slot, then stores TAIL (Atomics.store, sequentially
 *      consistent); a getter loads TAIL, then reads the slot; symmetrically for HEAD and reuse.
 *      A cached index was loaded by an earlier holder of the same lock, and the lock hand-over
 *      orders that load before this holder's accesses.
 *   I5 PUT_LO counts an item before its TAIL store, so taskDone for it never finds no task
 *      unfinished (unfinished = PUT_LO - DONE, in 32-bit arithmetic).
 *   I6 SHUT_DOWN is set under the put lock: once it is set no put stores an item, so a getter
 *      that reads SHUT_DOWN and then finds the ring empty knows no item can come.
 *
 * Sleeping (no lost wakeups, by the order of sequentially consistent operations, as in Dekker's
 * algorithm): a getter with nothing to take sets WAKE_GETTERS, reads DATA_SEQ, re-reads TAIL and
 * SHUT_DOWN, and sleeps on DATA_SEQ only if nothing changed; a putter stores TAIL, then reads
 * WAKE_GETTERS and, only if it is set, clears it, bumps DATA_SEQ and wakes every sleeping getter.
 * Either the putter sees the flag, or the getter sees the new TAIL. Waking them all, once, costs
 * one notify per round of sleepers, where waking one per item would cost one per put for as long
 * as the woken getter takes to run (tens of microseconds); those that find nothing sleep again.
 * Putters waiting for room use WAKE_PUTTERS and SPACE_SEQ the same way, and shutdown bumps both
 * sequences and wakes everyone.
 *
 * Items too large for a slot keep their bytes in the overflow area (arena.ts), a byte ring run
 * by the same two locks: a put of such an item needs a free slot *and* room there, and a putter
 * that finds neither waits as for a full ring, watching for the room its item needs.
 *
 * The methods named *Held run with the side's lock held (the caller takes and releases it); the
 * rest take no lock.
 */

import { epochMs, now } from '../sync/futex.js';
import { pause } from '../sync/mutex.js';
import { park, type Steps } from '../sync/park.js';
import type { Arena } from './arena.js';
import { Overflow, type Prepared } from './item-codec.js';
import {
  DATA_SEQ,
  DONE,
  DROPPED,
  GOT_HI,
  GOT_LO,
  HEAD,
  HEAD_SEEN,
  HIGH_WATER,
  JOINERS,
  PUT_HI,
  PUT_LO,
  SHUT_DOWN,
  SPACE_SEQ,
  TAIL,
  TAIL_SEEN,
  WAKE_GETTERS,
  WAKE_PUTTERS,
} from './layout.js';
import type { Slots } from './slots.js';

/** What takeOneHeld returns when the ring is empty and still open. */
export const EMPTY: unique symbol = Symbol('empty');
/** What the take methods return when the ring is empty and shut down: no item will ever come. */
export const DRAINED: unique symbol = Symbol('drained');
/** What putOneHeld/putHeld return when the ring is shut down. */
export const CLOSED = -1;

/** How long (in pause rounds) a spinner waits between two reads of the other side's word. */
const WAIT_PAUSE = 128;
/**
 * Once a spinner sees the other side act, it lets it go on (see `settle`) until SETTLE_ITEMS
 * items (free slots) are there, at most a quarter of the ring, or the other side pauses, or
 * SETTLE_MS passed; it reads the other side's index every SETTLE_PAUSE rounds meanwhile.
 */
const SETTLE_ITEMS = 64;
const SETTLE_MS = 0.005;
const SETTLE_PAUSE = 512;

export class Ring {
  /** How long the item taken last by this handle had waited, in ms (NaN without stamps). */
  lastItemAgeMs = Number.NaN;

  constructor(
    private readonly w: Int32Array,
    readonly capacity: number,
    private readonly slots: Slots,
    private readonly stamps: Float64Array | undefined,
    private readonly arena: Arena | undefined,
  ) {}

  // --- putting (put lock held) -----------------------------------------------------------------

  /** Stores one item: 1, 0 if the ring is full (or the overflow area has no room for it), CLOSED if shut down. */
  putOneHeld(item: Prepared): number {
    const w = this.w;
    if (w[SHUT_DOWN] !== 0) return CLOSED;
    const tail = w[TAIL]!;
    if (this.room(tail) === 0) return 0;
    if (typeof item === 'object' && item instanceof Overflow && !this.arena!.reserveHeld(item.bytes.byteLength))
      return 0;
    this.slots.write(this.slotOf(tail), item);
    this.publish(tail, 1);
    return 1;
  }

  /** Stores items[from..] as far as there is room: how many went in, or CLOSED. */
  putHeld(items: readonly Prepared[], from: number): number {
    const w = this.w;
    if (w[SHUT_DOWN] !== 0) return CLOSED;
    const tail = w[TAIL]!;
    let n = Math.min(this.room(tail), items.length - from);
    let slot = this.slotOf(tail);
    for (let i = 0; i < n; i++) {
      const item = items[from + i];
      if (typeof item === 'object' && item instanceof Overflow && !this.arena!.reserveHeld(item.bytes.byteLength)) {
        n = i; // the overflow area is full: what went in so far is published, the rest waits
        break;
      }
      this.slots.write(slot, item);
      if (++slot === this.capacity) slot = 0;
    }
    if (n > 0) this.publish(tail, n);
    return n;
  }

  /**
   * Free slots as the putters see them: from the cached HEAD_SEEN, re-reading HEAD only when that
   * view says full (I3: the cache can only understate the room).
   */
  private room(tail: number): number {
    const w = this.w;
    let free = this.capacity - this.distance(w[HEAD_SEEN]!, tail);
    if (free === 0) {
      const head = Atomics.load(w, HEAD);
      w[HEAD_SEEN] = head;
      free = this.capacity - this.distance(head, tail);
    }
    return free;
  }

  /** Makes `n` items written from `tail` on visible to getters, and wakes getters that sleep. */
  private publish(tail: number, n: number): void {
    const w = this.w;
    if (this.stamps) this.stamp(tail, n);
    add64(w, PUT_LO, PUT_HI, n); // before TAIL (I5)
    const next = this.advance(tail, n);
    Atomics.store(w, TAIL, next);
    // High water: the cached depth overstates the real one, so read HEAD only when the cached
    // depth would set a record. After a lap or two that is rare unless the ring runs near empty.
    const high = w[HIGH_WATER]!;
    if (this.distance(w[HEAD_SEEN]!, next) > high) {
      const head = Atomics.load(w, HEAD);
      w[HEAD_SEEN] = head;
      const depth = this.distance(head, next); // a depth the ring had: putters are held off
      if (depth > high) w[HIGH_WATER] = depth;
    }
    if (Atomics.load(w, WAKE_GETTERS) !== 0 && Atomics.exchange(w, WAKE_GETTERS, 0) !== 0) wake(w, DATA_SEQ);
  }

  // --- taking (get lock held) -------------------------------------------------------------------

  /** Takes the item at the head (raw, for `finish`), or EMPTY, or DRAINED. */
  takeOneHeld(): unknown {
    const w = this.w;
    const head = w[HEAD]!;
    if (head === w[TAIL_SEEN] && this.refreshTail(head) === 0) return this.emptyOrDrained(head);
    const slot = this.slotOf(head);
    const raw = this.slots.read(slot);
    if (this.stamps) this.lastItemAgeMs = epochMs() - this.stamps[slot]!;
    this.consume(head, 1);
    return raw;
  }

  /** Takes up to `max` items (all there are, up to max), or EMPTY, or DRAINED. */
  takeHeld(max: number): unknown[] | typeof EMPTY | typeof DRAINED {
    const w = this.w;
    const head = w[HEAD]!;
    let n = this.distance(head, w[TAIL_SEEN]!);
    if (n < max) n = this.refreshTail(head); // getMany takes whatever is there now
    if (n === 0) return this.emptyOrDrained(head);
    n = Math.min(n, max);
    const out = new Array<unknown>(n);
    let slot = this.slotOf(head);
    for (let i = 0; i < n; i++) {
      out[i] = this.slots.read(slot);
      if (++slot === this.capacity) slot = 0;
    }
    if (this.stamps) this.lastItemAgeMs = epochMs() - this.stamps[slot === 0 ? this.capacity - 1 : slot - 1]!;
    this.consume(head, n);
    return out;
  }

  /** Items the getters can take: re-reads TAIL into TAIL_SEEN. */
  private refreshTail(head: number): number {
    const tail = Atomics.load(this.w, TAIL);
    this.w[TAIL_SEEN] = tail;
    return this.distance(head, tail);
  }

  /** Empty now: DRAINED if shut down (SHUT_DOWN read first, then TAIL once more: I6), else EMPTY. */
  private emptyOrDrained(head: number): typeof EMPTY | typeof DRAINED {
    if (Atomics.load(this.w, SHUT_DOWN) === 0) return EMPTY;
    return this.refreshTail(head) === 0 ? DRAINED : EMPTY;
  }

  /** Frees the `n` slots from `head` on for putters, and wakes putters that sleep. */
  private consume(head: number, n: number): void {
    const w = this.w;
    Atomics.store(w, HEAD, this.advance(head, n));
    add64(w, GOT_LO, GOT_HI, n);
    if (Atomics.load(w, WAKE_PUTTERS) !== 0 && Atomics.exchange(w, WAKE_PUTTERS, 0) !== 0) wake(w, SPACE_SEQ);
  }

  // --- shutdown (both locks held) ------------------------------------------------------------

  /** Marks the ring shut down (put lock held): from now on every put returns CLOSED. */
  closeHeld(): void {
    Atomics.store(this.w, SHUT_DOWN, 1);
  }

  /** Drops every item (get lock held, after closeHeld): how many there were. */
  dropAllHeld(): number {
    const w = this.w;
    const head = w[HEAD]!;
    const tail = Atomics.load(w, TAIL);
    const dropped = this.distance(head, tail);
    w[TAIL_SEEN] = tail;
    Atomics.store(w, HEAD, tail);
    w[DROPPED] = (w[DROPPED]! + dropped) | 0;
    this.arena?.dropAllHeld();
    return dropped;
  }

  /** Wakes every thread sleeping for items or for room (after a shutdown). */
  wakeAll(): void {
    wake(this.w, DATA_SEQ);
    wake(this.w, SPACE_SEQ);
  }

  // --- waiting (no lock held) -----------------------------------------------------------------

  /**
   * Spins while the ring stays empty (`forItems`: a getter) or has no room (a putter whose item
   * needs `need` bytes of the overflow area, 0 for one that fits a slot) and open, until `until`
   * (ms on the monotonic clock). True if that changed: the caller retries.
   */
  spinWhile(forItems: boolean, until: number, need = 0): boolean {
    do {
      if (this.changed(forItems, need)) {
        if (need === 0) this.settle(forItems);
        return true;
      }
      pause(WAIT_PAUSE);
    } while (now() < until);
    return false;
  }

  /**
   * Called when a spinning getter (putter) has just seen the first item (free slot): waits, still
   * spinning, while the other side keeps putting (taking), until there are a batch's worth, or it
   * pauses, or SETTLE_MS. Without this a getter that keeps up with the putters (or a putter with
   * the getters) falls into lock-step with them, one item at a time: each item then moves the
   * other side's index line (which also holds its lock) and a slot line between the cores, and
   * the spinner's polls take those lines away from the side doing the work — the slow mode of a
   * 1P1C run, where the cached views (I3) save nothing. With it the lines cross once per batch.
   * It adds at most SETTLE_MS to a wait, and nothing when the other side puts (takes) one item
   * and stops: its index then stands still between two reads.
   */
  private settle(forItems: boolean): void {
    const w = this.w;
    const index = forItems ? TAIL : HEAD;
    const enough = Math.min(SETTLE_ITEMS, Math.ceil(this.capacity / 4));
    const until = now() + SETTLE_MS;
    let seen = Atomics.load(w, index);
    for (;;) {
      const depth = this.distance(Atomics.load(w, HEAD), Atomics.load(w, TAIL));
      if ((forItems ? depth : this.capacity - depth) >= enough) return;
      pause(SETTLE_PAUSE);
      const next = Atomics.load(w, index);
      if (next === seen || now() >= until) return;
      seen = next;
    }
  }

  /**
   * Sleeps a getter (`forItems`) until a put or a shutdown, or a putter until a get or a
   * shutdown, or until `deadline`; returns at once if the ring is no longer empty (full). The
   * caller re-checks everything after it, as after any wakeup. The order below is what makes it
   * safe: raise the flag, read the sequence, then look at the ring — a change after the look comes
   * from a thread that will see the flag and bump the sequence. A sleeper that times out leaves
   * the flag up: the next put (get) then makes one needless notify.
   */
  *sleepSteps(forItems: boolean, deadline: number, need = 0): Steps<'ok' | 'timed-out'> {
    const w = this.w;
    const seq = forItems ? DATA_SEQ : SPACE_SEQ;
    Atomics.store(w, forItems ? WAKE_GETTERS : WAKE_PUTTERS, 1);
    const sequence = Atomics.load(w, seq);
    if (this.changed(forItems, need)) return 'ok';
    return (yield park(w, seq, sequence, deadline)) === 'timed-out' ? 'timed-out' : 'ok';
  }

  /**
   * Whether the ring is no longer empty (`forItems`), or has a free slot and `need` bytes of room
   * in the overflow area (getters store ARENA_HEAD before HEAD, and then look for sleepers), or
   * is shut down.
   */
  private changed(forItems: boolean, need: number): boolean {
    const w = this.w;
    const depth = this.distance(Atomics.load(w, HEAD), Atomics.load(w, TAIL));
    if (forItems ? depth !== 0 : depth !== this.capacity && (need === 0 || this.arena!.couldFit(need))) return true;
    return Atomics.load(w, SHUT_DOWN) !== 0;
  }

  // --- tasks (no lock: DONE is one atomic word) -----------------------------------------------

  /** Tasks put and not yet marked done (PUT_LO - DONE: exact below 2^31). */
  unfinished(): number {
    return (Atomics.load(this.w, PUT_LO) - Atomics.load(this.w, DONE)) | 0;
  }

  /** Counts one task done: false (and no change) if none is unfinished. */
  taskDone(): boolean {
    const w = this.w;
    for (;;) {
      const done = Atomics.load(w, DONE);
      const unfinished = (Atomics.load(w, PUT_LO) - done) | 0;
      if (unfinished <= 0) return false;
      if (Atomics.compareExchange(w, DONE, done, (done + 1) | 0) === done) {
        if (unfinished === 1 && Atomics.load(w, JOINERS) !== 0) Atomics.notify(w, DONE);
        return true;
      }
    }
  }

  /** Counts `n` dropped items as done (never more than are unfinished, as Python's shutdown) and wakes join. */
  dropTasks(n: number): void {
    const w = this.w;
    for (;;) {
      const done = Atomics.load(w, DONE);
      const unfinished = (Atomics.load(w, PUT_LO) - done) | 0;
      if (Atomics.compareExchange(w, DONE, done, (done + Math.min(n, unfinished)) | 0) === done) break;
    }
    Atomics.notify(w, DONE);
  }

  /**
   * Waits until no task is unfinished (join), on DONE, in the order sleepSteps uses: count
   * ourselves a joiner, then look; taskDone reads JOINERS after its change.
   */
  *joinSteps(): Steps<void> {
    const w = this.w;
    Atomics.add(w, JOINERS, 1);
    try {
      for (;;) {
        const done = Atomics.load(w, DONE);
        if (((Atomics.load(w, PUT_LO) - done) | 0) <= 0) return;
        yield park(w, DONE, done, Infinity);
      }
    } finally {
      Atomics.sub(w, JOINERS, 1);
    }
  }

  // --- observing (no lock) -------------------------------------------------------------------

  /** Items in the ring right now (approximate while others act; always 0..capacity). */
  depth(): number {
    const w = this.w;
    for (;;) {
      const head = Atomics.load(w, HEAD);
      const tail = Atomics.load(w, TAIL);
      if (Atomics.load(w, HEAD) === head) return Math.min(this.capacity, this.distance(head, tail));
    }
  }

  /**
   * Whether the ring is empty right now (approximate while others act, exact when nobody does).
   * The getters' cached view answers when it shows items (it never shows more than there are), so
   * a getter asking before each get reads the producers' line only when it would anyway.
   */
  empty(): boolean {
    const w = this.w;
    const head = Atomics.load(w, HEAD);
    return head === Atomics.load(w, TAIL_SEEN) && head === Atomics.load(w, TAIL);
  }

  /** Whether the ring is full right now: like {@link empty}, from the putters' cached view first. */
  full(): boolean {
    const w = this.w;
    const tail = Atomics.load(w, TAIL);
    if (this.distance(Atomics.load(w, HEAD_SEEN), tail) < this.capacity) return false;
    return this.distance(Atomics.load(w, HEAD), tail) >= this.capacity;
  }

  // --- positions ----------------------------------------------------------------------------

  /** Items from position `head` to position `tail` (positions count modulo 2 × capacity). */
  private distance(head: number, tail: number): number {
    const d = tail - head;
    return d < 0 ? d + 2 * this.capacity : d;
  }

  private advance(position: number, n: number): number {
    const p = position + n;
    return p >= 2 * this.capacity ? p - 2 * this.capacity : p;
  }

  private slotOf(position: number): number {
    return position >= this.capacity ? position - this.capacity : position;
  }

  private stamp(tail: number, n: number): void {
    const t = epochMs();
    let slot = this.slotOf(tail);
    for (let i = 0; i < n; i++) {
      this.stamps![slot] = t;
      if (++slot === this.capacity) slot = 0;
    }
  }
}

/** Bumps a sequence word and wakes every thread sleeping on it. */
function wake(w: Int32Array, seq: number): void {
  Atomics.add(w, seq, 1);
  Atomics.notify(w, seq);
}

/**
 * Adds `n` to the two-word counter (lo, hi), its side's lock held. The rare carry writes hi = -1
 * first so a reader (load64) that races it retries instead of pairing a new low word with an old
 * high one.
 */
function add64(w: Int32Array, lo: number, hi: number, n: number): void {
  const sum = (w[lo]! >>> 0) + n;
  if (sum <= 0xffffffff) {
    w[lo] = sum | 0;
    return;
  }
  const high = w[hi]!;
  Atomics.store(w, hi, -1);
  Atomics.store(w, lo, sum | 0);
  Atomics.store(w, hi, high + 1);
}

/** Reads a two-word counter written by add64, without the lock. */
export function load64(w: Int32Array, lo: number, hi: number): number {
  for (;;) {
    const high = Atomics.load(w, hi);
    const low = Atomics.load(w, lo) >>> 0;
    if (high !== -1 && Atomics.load(w, hi) === high) return high * 2 ** 32 + low;
  }
}
