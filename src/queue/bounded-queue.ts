/**
 * BoundedQueue: a blocking FIFO shared by workers, with the semantics of Python 3.13's
 * `queue.Queue` (put/get with block and timeout, taskDone/join, shutdown), in one
 * SharedArrayBuffer. Pass `queue.handle` to a worker and `BoundedQueue.from(handle)` it there.
 *
 * The storage is a ring (ring.ts) with two locks — putters take one, getters the other — so a
 * put and a get never wait for each other, and each side reads the other's index only when the
 * ring looks full or empty; ring.ts states the algorithm and its invariants. This file is the
 * loop of CPython's Lib/queue.py around it, per call:
 *   1. Outside any lock: validate the options, encode the item(s) (item-codec.ts) — a too-large
 *      item throws here and the queue never sees it.
 *   2. Fast path: take the side's lock (spinning briefly if another putter/getter holds it), store
 *      or take the item(s) if the ring allows, release. No generator, no closure and, for a
 *      number, no allocation on the way; no Atomics.notify unless someone sleeps.
 *   3. Otherwise the slow path, written once as steps (park.ts) and run blocking (`put`) or on
 *      the event loop (`putAsync`): Python's loop — count the call as blocked, spin a moment
 *      watching the ring (the other side usually acts within microseconds, and a sleep/wake pair
 *      costs two system calls), then sleep until the other side or a shutdown wakes us, or the
 *      timeout; retry after every wakeup. Batches (putMany/getMany) move as many items as fit
 *      under one lock hold and wake the other side between chunks.
 *
 * Items of any size: one whose encoding does not fit a slot goes, encoded, to the queue's overflow
 * area (arena.ts), a byte ring in a growable SharedArrayBuffer beside the slots, bounded by
 * `overflowBytes`; its slot holds only its kind and length. A put of such an item waits for room
 * there as for a free slot, with the same timeouts, shutdown and wakeups.
 *
 * Counters (depth, high water, totals, blocked calls) are kept by the side that changes them and
 * read at any time without a lock by `stats()`: each value is current, the set is not a snapshot.
 * Put/got totals are exact to 2^53; high water, blocked and dropped counts wrap at 2^32 (read them
 * as deltas).
 */

import { registerReviver } from '../revive.js';
import { InvalidHandleError } from '../sync/errors.js';
import { deadlineAfter, now, remaining } from '../sync/futex.js';
import { Lock, type LockStats } from '../sync/lock.js';
import { runAsync, runBlocking, type Steps } from '../sync/park.js';
import {
  ATTACH,
  type Attach,
  checkHandle,
  isAttach,
  type PlacementOptions,
  type SharedHandle,
  SharedObject,
  type SharedRegion,
} from '../sync/shared-object.js';
import { Arena } from './arena.js';
import { QueueEmpty, QueueFull, QueueShutDown, TaskDoneError } from './errors.js';
import { finish, finishAll, Overflow, type Prepared, prepare, prepareAll, type Room } from './item-codec.js';
import * as L from './layout.js';
import { CLOSED, DRAINED, EMPTY, load64, Ring } from './ring.js';
import { Slots } from './slots.js';

/**
 * How the fast path waits for its side's lock while another putter (getter) holds it: up to
 * LOCK_SPIN polls of the lock word, with a pause between polls that doubles up to LOCK_BACKOFF
 * (see `pause` in mutex.ts; tens of microseconds in all). The lock is held for well under a
 * microsecond for one item, a few for a batch of 256, so this almost always wins; when it does
 * not, the holder has likely been descheduled and the call takes the Lock's own sleeping path.
 * The pauses matter as much as the spin: a spinner that re-reads the hot line every few
 * nanoseconds takes it away from the holder on every poll.
 */
const LOCK_SPIN = 64;
const LOCK_BACKOFF = 256;
/** The lock spin of calls on an event-loop thread (the *Async forms): a few polls, then they park. */
const ASYNC_LOCK_SPIN = 4;
/**
 * The adaptive spin of a blocking put/get on a full/empty queue, outside the lock: it watches the
 * ring every few hundred nanoseconds for at most this handle's budget, in milliseconds. Each
 * handle doubles its budget after a spin that saw the other side act and halves it after one that
 * did not (and so went to sleep), between WAIT_SPIN_MIN_MS and WAIT_SPIN_MAX_MS. The floor is
 * low because a spin that fails is worse than wasted when the other side is not running (more
 * threads than cores, or a busy machine): it burns the time slice the other side needs, and the
 * scheduler then wakes a thread that has been spinning later than one that slept at once. Measured
 * on the 2-core machine under load (load average ~30), 1P1C numbers: median 2.4 M/s with a 5 µs
 * floor against 1.5 with 50 µs; 1P1C batches 3.4 against 1.8 (interleaved runs). Where the other
 * side does run, the spins succeed and the budget climbs back to the ceiling within a few calls.
 * Calls on an event loop spin ASYNC_SPIN_MS once, then park.
 */
const WAIT_SPIN_MIN_MS = 0.005;
const WAIT_SPIN_MAX_MS = 0.2;
const ASYNC_SPIN_MS = 0.002;

/** What the fast paths return when they did not get their side's lock. */
const BUSY: unique symbol = Symbol('busy');

export interface QueueHandle extends SharedHandle<'BoundedQueue'> {
  /** The overflow area's buffer (absent for a queue created with `overflowBytes: 0`). */
  readonly overflow?: SharedArrayBuffer;
}

export interface BoundedQueueOptions extends PlacementOptions {
  /** Most items the queue holds; `put` blocks while it is full. */
  capacity: number;
  /**
   * Bytes per slot, its 8-byte header included (a multiple of 8 from 16 to 2^20; default 256). An
   * item whose encoding fits goes in its slot; a larger one goes to the overflow area.
   */
  slotBytes?: number;
  /**
   * The largest item (encoded bytes) the overflow area takes, from 0 to 2^30 (1 GiB, the default);
   * 0: no overflow area, every item must fit a slot. The area starts empty, grows (to a power of
   * two) when an item needs it, never past this limit rounded up to a power of two, and never
   * shrinks. Not part of {@link BoundedQueue.bytesFor}: it is a buffer of its own.
   */
  overflowBytes?: number;
  /** Record when each item was put, so `lastItemAgeMs` tells how long the last `get`'s item waited. */
  stampItems?: boolean;
}

export interface QueueOptions {
  /** false: don't wait (raise QueueFull/QueueEmpty at once; `timeout` is ignored). Default true. */
  block?: boolean;
  /** With `block`, wait at most this many milliseconds; undefined waits forever. */
  timeout?: number;
}

export interface ShutdownOptions {
  /** Drop the items still queued (counting them as done for `join`). Default false. */
  immediate?: boolean;
}

export interface QueueStats {
  /** Items in the queue. */
  depth: number;
  capacity: number;
  /** The most items the queue has held at once. */
  highWater: number;
  /** Items ever put / ever got (exact to 2^53). */
  put: number;
  got: number;
  /** Calls to put/get that found the queue full/empty and had to wait (wraps at 2^32). */
  putBlocked: number;
  getBlocked: number;
  /** Items put and not yet marked done with `taskDone`. */
  unfinished: number;
  /** Items dropped by `shutdown({ immediate: true })` (wraps at 2^32). */
  dropped: number;
  shutDown: boolean;
}

type AttachShape = Attach & L.Shape & { overflowBytes: number };

export class BoundedQueue<T = unknown> extends SharedObject<'BoundedQueue'> {
  /** Most items the queue holds. */
  readonly capacity: number;
  /** Bytes per slot, header included; an item's encoding may use `slotBytes - 8`. */
  readonly slotBytes: number;

  private readonly putLock: Lock;
  private readonly getLock: Lock;
  private readonly ring: Ring;
  /** What prepare needs to know: the room in a slot, and the largest overflow item. */
  private readonly room: Room;
  private readonly arena: Arena | undefined;
  /** This handle's current budget (ms) for the adaptive full/empty spin (see WAIT_SPIN_MAX_MS). */
  private waitSpinMs = WAIT_SPIN_MIN_MS;

  /**
   * A new, empty queue of `capacity` slots of `slotBytes` each, in a new SharedArrayBuffer (or
   * in `memory`: see {@link BoundedQueue.bytesFor}).
   */
  constructor(options: BoundedQueueOptions);
  /** @internal attaches to an existing queue; use {@link BoundedQueue.from}. */
  constructor(options: AttachShape);
  constructor(options: BoundedQueueOptions | AttachShape) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(
        'new BoundedQueue({ capacity, slotBytes?, overflowBytes?, stampItems? }): options with a capacity ' +
          `(an integer from 1 to ${L.MAX_CAPACITY}) are required, got ${String(options)}`,
      );
    const shape: L.Shape = {
      capacity: options.capacity,
      slotBytes: options.slotBytes ?? L.DEFAULT_SLOT_BYTES,
      stampItems: options.stampItems ?? false,
    };
    const overflowBytes = options.overflowBytes ?? L.MAX_OVERFLOW_BYTES;
    L.checkShape(shape.capacity, shape.slotBytes, shape.stampItems);
    L.checkOverflowBytes(overflowBytes);
    const regions = L.regionsOf(shape);
    super('BoundedQueue', regions.bytes, options);
    this.capacity = shape.capacity;
    this.slotBytes = shape.slotBytes;
    this.room = { payloadBytes: shape.slotBytes - L.SLOT_HEADER_BYTES, overflowBytes };
    if (overflowBytes > 0) {
      const attached = isAttach(options) ? (options[ATTACH] as QueueHandle).overflow : undefined;
      this.arena = new Arena(this.i32, attached ?? Arena.buffer(overflowBytes));
    }
    const slots = new Slots(
      this.buffer,
      this.byteOffset + regions.headersAt,
      this.byteOffset + regions.payloadsAt,
      shape,
      this.arena,
    );
    const stamps = shape.stampItems
      ? new Float64Array(this.buffer, this.byteOffset + L.STAMPS_AT, shape.capacity)
      : undefined;
    const at = (offset: number): SharedRegion => ({ buffer: this.buffer, byteOffset: this.byteOffset + offset });
    if (isAttach(options)) {
      this.putLock = Lock.from({ kind: 'Lock', ...at(L.PUT_LOCK_AT) });
      this.getLock = Lock.from({ kind: 'Lock', ...at(L.GET_LOCK_AT) });
    } else {
      this.putLock = new Lock({ memory: at(L.PUT_LOCK_AT) });
      this.getLock = new Lock({ memory: at(L.GET_LOCK_AT) });
      const w = this.i32;
      w[L.CAPACITY] = shape.capacity;
      w[L.SLOT_BYTES] = shape.slotBytes;
      w[L.FLAGS] = (shape.stampItems ? L.FLAG_STAMPS : 0) | (overflowBytes > 0 ? L.FLAG_OVERFLOW : 0);
      w[L.OVERFLOW_BYTES] = overflowBytes;
    }
    this.ring = new Ring(this.i32, shape.capacity, slots, stamps, this.arena);
  }

  /** A structured-cloneable description (with the overflow area's buffer); `BoundedQueue.from` rebuilds it. */
  override get handle(): QueueHandle {
    const handle = super.handle;
    return this.arena ? { ...handle, overflow: this.arena.buffer } : handle;
  }

  /** The largest item (encoded bytes) this queue takes; 0 if it has no overflow area. */
  get overflowBytes(): number {
    return this.room.overflowBytes;
  }

  /**
   * How long (ms) the item returned by the last `get`/`getNowait`/`getAsync` on this handle had
   * waited in the queue. NaN unless the queue was created with `stampItems`.
   */
  get lastItemAgeMs(): number {
    return this.ring.lastItemAgeMs;
  }

  /** Bytes a queue of this shape occupies (to place it inside a larger buffer with `memory`). */
  static bytesFor(capacity: number, slotBytes = L.DEFAULT_SLOT_BYTES, stampItems = false): number {
    L.checkShape(capacity, slotBytes, stampItems);
    return L.regionsOf({ capacity, slotBytes, stampItems }).bytes;
  }

  /**
   * Rebuilds, in this thread, the queue that `handle` describes (its shape is read from the
   * queue's memory). @throws InvalidHandleError if the handle does not describe a BoundedQueue.
   */
  static from<T = unknown>(handle: QueueHandle): BoundedQueue<T> {
    checkHandle(handle, 'BoundedQueue');
    const { buffer, byteOffset } = handle;
    const readable =
      Number.isInteger(byteOffset) &&
      byteOffset >= 0 &&
      byteOffset % 8 === 0 &&
      byteOffset + L.HEADER_WORDS * 4 <= buffer.byteLength;
    const header = readable ? new Int32Array(buffer, byteOffset, L.HEADER_WORDS) : undefined;
    const word = (i: number): number => (header ? Atomics.load(header, i) : 0);
    const shape = {
      capacity: word(L.CAPACITY),
      slotBytes: word(L.SLOT_BYTES),
      stampItems: (word(L.FLAGS) & L.FLAG_STAMPS) !== 0,
      overflowBytes: (word(L.FLAGS) & L.FLAG_OVERFLOW) !== 0 ? word(L.OVERFLOW_BYTES) : 0,
    };
    let valid = true;
    try {
      L.checkShape(shape.capacity, shape.slotBytes, shape.stampItems);
      L.checkOverflowBytes(shape.overflowBytes);
    } catch {
      valid = false;
    }
    const overflow = (handle as QueueHandle).overflow;
    const carried = shape.overflowBytes === 0 || (overflow instanceof SharedArrayBuffer && overflow.growable);
    if (valid && carried) return new BoundedQueue<T>({ [ATTACH]: handle, ...shape });
    // Attach as the smallest queue first: the tag check then names what the memory is, if not a queue.
    new BoundedQueue<T>({ [ATTACH]: handle, capacity: 1, slotBytes: 16, stampItems: false, overflowBytes: 0 });
    if (!valid)
      throw new InvalidHandleError(
        `corrupt BoundedQueue header: capacity ${shape.capacity}, slotBytes ${shape.slotBytes}, ` +
          `overflowBytes ${shape.overflowBytes}`,
      );
    throw new InvalidHandleError(
      'this BoundedQueue has an overflow area but the handle does not carry its buffer: ' +
        'pass queue.handle as it is (with its `overflow` field)',
    );
  }

  // --- putting -------------------------------------------------------------------------------

  /**
   * Puts `item` at the back of the queue.
   *
   * With no options, blocks until a slot is free. With `timeout` (ms), blocks at most that long
   * and raises QueueFull if no slot came free in time. With `block: false`, puts the item only if
   * a slot is free right now, else raises QueueFull (`timeout` is then ignored).
   * Blocks the calling thread: on an event-loop thread use {@link putAsync}.
   *
   * @throws QueueShutDown if the queue is shut down, or is shut down while this call waits.
   * @throws ItemTooLargeError if the item's encoding does not fit a slot (the queue is untouched).
   * @throws RangeError for a negative or NaN timeout.
   */
  put(item: T, opts?: QueueOptions): void {
    const deadline = deadlineOf(opts);
    const prepared = prepare(item, this.room);
    if (this.putFast(prepared, LOCK_SPIN) !== 1) runBlocking(this.putSteps([prepared], 0, deadline, opts, true));
  }

  /** Equivalent to `put(item, { block: false })`: raises QueueFull at once if there is no room. */
  putNowait(item: T): void {
    this.put(item, { block: false });
  }

  /** Like {@link put}, but waits without blocking the event loop. */
  async putAsync(item: T, opts?: QueueOptions): Promise<void> {
    const deadline = deadlineOf(opts);
    const prepared = prepare(item, this.room);
    if (this.putFast(prepared, ASYNC_LOCK_SPIN) !== 1)
      await runAsync(this.putSteps([prepared], 0, deadline, opts, false));
  }

  /**
   * Puts every item, in order, as {@link put} would one by one, but filling all free slots under
   * one lock hold and waking getters after each such chunk (so more items than the capacity go
   * in as consumers make room). Every item is encoded first, so a too-large one throws
   * ItemTooLargeError before any is put. Options apply to the whole call; if it gives up
   * (QueueFull) or the queue shuts down (QueueShutDown), the error's `putCount` says how many of
   * the items went in.
   */
  putMany(items: Iterable<T>, opts?: QueueOptions): void {
    const deadline = deadlineOf(opts);
    const prepared = prepareAll(items, this.room);
    const done = this.putManyFast(prepared, LOCK_SPIN);
    if (done < prepared.length) runBlocking(this.putSteps(prepared, done, deadline, opts, true));
  }

  /** Like {@link putMany}, without blocking the event loop. */
  async putManyAsync(items: Iterable<T>, opts?: QueueOptions): Promise<void> {
    const deadline = deadlineOf(opts);
    // Copied if prepareAll passed the caller's array through: it may change while we wait.
    const prepared = prepareAll(items, this.room);
    const own = prepared === (items as unknown) ? prepared.slice() : prepared;
    const done = this.putManyFast(own, ASYNC_LOCK_SPIN);
    if (done < own.length) await runAsync(this.putSteps(own, done, deadline, opts, false));
  }

  // --- getting -------------------------------------------------------------------------------

  /**
   * Removes and returns the item at the front of the queue (a fresh copy of what was put).
   *
   * With no options, blocks until an item is available. With `timeout` (ms), blocks at most that
   * long and raises QueueEmpty if none arrived. With `block: false`, returns an item only if one
   * is there right now, else raises QueueEmpty (`timeout` is then ignored).
   * Blocks the calling thread: on an event-loop thread use {@link getAsync}.
   *
   * @throws QueueShutDown if the queue is shut down and empty: items put before the shutdown are
   *   still returned first (unless it was an immediate shutdown).
   */
  get(opts?: QueueOptions): T {
    const deadline = deadlineOf(opts);
    const raw = this.getFast(LOCK_SPIN, 0);
    if (raw !== EMPTY && raw !== DRAINED && raw !== BUSY) return finish(raw) as T;
    return finish(runBlocking(this.getSteps(0, deadline, opts, true))) as T;
  }

  /** Equivalent to `get({ block: false })`: raises QueueEmpty at once if there is no item. */
  getNowait(): T {
    return this.get({ block: false });
  }

  /** Like {@link get}, but waits without blocking the event loop. */
  async getAsync(opts?: QueueOptions): Promise<T> {
    const deadline = deadlineOf(opts);
    const raw = this.getFast(ASYNC_LOCK_SPIN, 0);
    if (raw !== EMPTY && raw !== DRAINED && raw !== BUSY) return finish(raw) as T;
    return finish(await runAsync(this.getSteps(0, deadline, opts, false))) as T;
  }

  /**
   * Removes and returns 1 to `max` items, in FIFO order: waits for the first one exactly as
   * {@link get} does (same options, same errors), then takes whatever else is already there,
   * up to `max`, without waiting — all under one lock hold.
   */
  getMany(max: number, opts?: QueueOptions): T[] {
    checkMax(max);
    const deadline = deadlineOf(opts);
    const raw = this.getFast(LOCK_SPIN, max);
    if (raw !== EMPTY && raw !== DRAINED && raw !== BUSY) return finishAll(raw as unknown[]) as T[];
    return finishAll(runBlocking(this.getSteps(max, deadline, opts, true)) as unknown[]) as T[];
  }

  /** Like {@link getMany}, without blocking the event loop. */
  async getManyAsync(max: number, opts?: QueueOptions): Promise<T[]> {
    checkMax(max);
    const deadline = deadlineOf(opts);
    const raw = this.getFast(ASYNC_LOCK_SPIN, max);
    if (raw !== EMPTY && raw !== DRAINED && raw !== BUSY) return finishAll(raw as unknown[]) as T[];
    return finishAll((await runAsync(this.getSteps(max, deadline, opts, false))) as unknown[]) as T[];
  }

  // --- tasks and shutdown ------------------------------------------------------------------

  /**
   * Tells the queue that a task taken from it is complete: call it once per item after
   * processing what `get` returned. When every item put has been marked done, `join` returns.
   * @throws TaskDoneError if called more times than items were put.
   */
  taskDone(): void {
    if (!this.ring.taskDone())
      throw new TaskDoneError(
        'taskDone() called too many times: call it once per item taken with get(), after processing it',
      );
  }

  /**
   * Blocks until every item ever put has been got and marked done with `taskDone` (at once if
   * none is unfinished). An immediate shutdown counts the items it drops as done.
   * Blocks the calling thread: on an event-loop thread use {@link joinAsync}.
   */
  join(): void {
    runBlocking(this.ring.joinSteps());
  }

  /** Like {@link join}, without blocking the event loop. */
  joinAsync(): Promise<void> {
    return runAsync(this.ring.joinSteps());
  }

  /**
   * Shuts the queue down (Python 3.13): from now on `put` raises QueueShutDown; `get` returns the
   * items still queued, then raises QueueShutDown. With `immediate: true` those items are dropped
   * instead (and counted as done, so `join` can return). Every thread blocked in put or get, in
   * any worker, wakes up and raises QueueShutDown (a getter first takes an item if one is left).
   * Calling it again is harmless.
   */
  shutdown(opts?: ShutdownOptions): void {
    runBlocking(this.shutdownSteps(opts?.immediate ?? false));
  }

  /** Like {@link shutdown}, without blocking the event loop while it takes the lock. */
  shutdownAsync(opts?: ShutdownOptions): Promise<void> {
    return runAsync(this.shutdownSteps(opts?.immediate ?? false));
  }

  // --- observing -----------------------------------------------------------------------------

  /**
   * The approximate number of items in the queue. Not reliable for deciding what to do next:
   * qsize() > 0 does not guarantee that a get will not block, nor qsize() < capacity that a put
   * will not (another thread may act in between). Read without the lock.
   */
  qsize(): number {
    return this.ring.depth();
  }

  /** Whether the queue is empty right now (approximate, like {@link qsize}). */
  empty(): boolean {
    return this.ring.empty();
  }

  /** Whether the queue is full right now (approximate, like {@link qsize}). */
  full(): boolean {
    return this.ring.full();
  }

  /** Whether `shutdown` has been called (by any thread). */
  get isShutDown(): boolean {
    return Atomics.load(this.i32, L.SHUT_DOWN) !== 0;
  }

  /** Counters for dashboards, read without the lock (each value current; together not a snapshot). */
  stats(): QueueStats {
    const w = this.i32;
    const load = (i: number): number => Atomics.load(w, i) >>> 0;
    return {
      depth: this.ring.depth(),
      capacity: this.capacity,
      highWater: load(L.HIGH_WATER),
      put: load64(w, L.PUT_LO, L.PUT_HI),
      got: load64(w, L.GOT_LO, L.GOT_HI),
      putBlocked: load(L.PUT_BLOCKED),
      getBlocked: load(L.GET_BLOCKED),
      unfinished: Math.max(0, this.ring.unfinished()),
      dropped: load(L.DROPPED),
      shutDown: load(L.SHUT_DOWN) !== 0,
    };
  }

  /**
   * The internal locks' counters, the putters' and the getters' lock together: acquisitions,
   * contended acquisitions, and the current holder of either (the put lock's first).
   */
  lockStats(): LockStats {
    const p = this.putLock.stats();
    const g = this.getLock.stats();
    return {
      acquisitions: (p.acquisitions + g.acquisitions) >>> 0,
      contended: (p.contended + g.contended) >>> 0,
      holder: p.holder ?? g.holder,
    };
  }

  /** The handle of the queue's put lock (for diagnostics and fault-injection tests). */
  get lockHandle(): SharedHandle<'Lock'> {
    return this.putLock.handle as SharedHandle<'Lock'>;
  }

  // --- private: fast paths -------------------------------------------------------------------
  //
  // One try under the side's lock, taken with Lock.spinAcquire — one compareExchange when it is
  // free, else a bounded test-and-test-and-set spin (a few polls only on an event-loop thread) —
  // and released with Lock.releaseHeld. Anything that cannot complete at once (full, empty, shut
  // down, the lock's holder descheduled) goes to the slow path, which tries again under the lock
  // and does all the counting and waiting.

  /** Puts one item: 1 if done, else 0 (full, or the lock was busy) or CLOSED. */
  private putFast(item: Prepared, spins: number): number {
    const lock = this.putLock;
    if (!lock.spinAcquire(spins, LOCK_BACKOFF)) return 0;
    const r = this.ring.putOneHeld(item);
    lock.releaseHeld();
    return r;
  }

  /** Puts as many of `items` as fit now: how many (0 if the lock was busy or the queue shut). */
  private putManyFast(items: Prepared[], spins: number): number {
    if (items.length === 0) return 0;
    const lock = this.putLock;
    if (!lock.spinAcquire(spins, LOCK_BACKOFF)) return 0;
    const n = this.ring.putHeld(items, 0);
    lock.releaseHeld();
    return Math.max(n, 0);
  }

  /** Takes one item (`max` 0) or up to `max` items (an array): raw, for `finish`; else a symbol. */
  private getFast(spins: number, max: number): unknown {
    const lock = this.getLock;
    if (!lock.spinAcquire(spins, LOCK_BACKOFF)) return BUSY;
    const raw = max === 0 ? this.ring.takeOneHeld() : this.ring.takeHeld(max);
    lock.releaseHeld();
    return raw;
  }

  // --- private: the algorithms (Python's put/get/shutdown), as steps -------------------------

  /**
   * Puts items[done..], as Python's put does for each: raise if shut down, wait while full (spin,
   * then sleep), up to the deadline. `blocking`: run by runBlocking (a worker may spin adaptively,
   * again after each wakeup), not on an event loop (one short spin only).
   */
  private *putSteps(
    items: Prepared[],
    done: number,
    deadline: number,
    opts: QueueOptions | undefined,
    blocking: boolean,
  ): Steps<void> {
    const ring = this.ring;
    let waited = false;
    let spinNext = true;
    for (;;) {
      yield* this.acquireSteps(this.putLock, blocking);
      const n = ring.putHeld(items, done);
      this.putLock.releaseHeld();
      if (n === CLOSED)
        throw withCount(new QueueShutDown('put() on a shut-down queue: it accepts no items after shutdown()'), done);
      done += n;
      if (done === items.length) return;
      if (n > 0) continue; // getters made room while we put: look again before waiting
      // Bytes the next item needs in the overflow area: with them, "room" is a slot and those bytes.
      const next = items[done];
      const need = next instanceof Overflow ? next.bytes.byteLength : 0;
      if (deadline === 0)
        throw withCount(
          new QueueFull(`${this.noRoom(need)}: use a blocking put() to wait for room, or retry later`),
          done,
        );
      if (!waited) {
        waited = true;
        Atomics.add(this.i32, L.PUT_BLOCKED, 1);
      }
      if (spinNext) {
        // Spin again next time only if this spin saw a getter act (and we may spin at length).
        spinNext = this.spin(false, blocking, deadline, need) && blocking;
        continue;
      }
      if (remaining(deadline) === 0)
        throw withCount(
          new QueueFull(
            `put() timed out after ${opts?.timeout} ms: ${this.noRoom(need)} all that time; are the consumers running?`,
          ),
          done,
        );
      yield* ring.sleepSteps(false, deadline, need);
      spinNext = blocking;
    }
  }

  /** Takes one item (`max` 0: the raw item) or up to `max` (an array), as Python's get does. */
  private *getSteps(max: number, deadline: number, opts: QueueOptions | undefined, blocking: boolean): Steps<unknown> {
    const ring = this.ring;
    let waited = false;
    let spinNext = true;
    for (;;) {
      yield* this.acquireSteps(this.getLock, blocking);
      const raw = max === 0 ? ring.takeOneHeld() : ring.takeHeld(max);
      this.getLock.releaseHeld();
      if (raw === DRAINED) throw drained();
      if (raw !== EMPTY) return raw;
      if (deadline === 0)
        throw new QueueEmpty('the queue is empty: use a blocking get() to wait for an item, or retry later');
      if (!waited) {
        waited = true;
        Atomics.add(this.i32, L.GET_BLOCKED, 1);
      }
      if (spinNext) {
        spinNext = this.spin(true, blocking, deadline) && blocking;
        continue;
      }
      if (remaining(deadline) === 0)
        throw new QueueEmpty(`get() timed out after ${opts?.timeout} ms: no item arrived; are the producers running?`);
      yield* ring.sleepSteps(true, deadline);
      spinNext = blocking;
    }
  }

  /**
   * Python's shutdown: closes the ring under the put lock (no put stores an item after it), drops
   * what is queued under the get lock if `immediate` (counting it as done), then wakes every
   * thread sleeping in put, get or join, in every worker.
   */
  private *shutdownSteps(immediate: boolean): Steps<void> {
    yield* this.putLock.acquireSteps(Infinity);
    this.ring.closeHeld();
    this.putLock.releaseHeld();
    if (immediate) {
      yield* this.getLock.acquireSteps(Infinity);
      const dropped = this.ring.dropAllHeld();
      this.getLock.releaseHeld();
      this.ring.dropTasks(dropped);
    }
    this.ring.wakeAll();
  }

  /**
   * Takes `lock` in the slow path: the fast path's spin first (short on an event loop), then the
   * Lock's own way, which parks (Atomics.wait, or waitAsync when run by runAsync).
   */
  private *acquireSteps(lock: Lock, blocking: boolean): Steps<void> {
    if (!lock.spinAcquire(blocking ? LOCK_SPIN : ASYNC_LOCK_SPIN, LOCK_BACKOFF)) yield* lock.acquireSteps(Infinity);
  }

  /** Why a put found no room: a full ring, or (`need` > 0) an overflow area without `need` bytes free. */
  private noRoom(need: number): string {
    if (need === 0 || this.ring.full()) return `the queue is full (capacity ${this.capacity})`;
    return (
      `the queue's overflow area had no room for this item's ${need} bytes ` +
      `(it holds ${this.arena!.size} bytes of larger items until consumers take them)`
    );
  }

  /**
   * Spins, no lock held, while the ring stays empty (`forItems`) or full and open: for this
   * handle's adaptive budget if `adaptive`, else ASYNC_SPIN_MS; never past `deadline`. True if
   * the ring changed meanwhile.
   */
  private spin(forItems: boolean, adaptive: boolean, deadline: number, need = 0): boolean {
    const budget = adaptive ? this.waitSpinMs : ASYNC_SPIN_MS;
    const changed = this.ring.spinWhile(forItems, Math.min(now() + budget, deadline), need);
    if (adaptive) {
      if (changed && budget < WAIT_SPIN_MAX_MS) this.waitSpinMs = budget * 2;
      else if (!changed && budget > WAIT_SPIN_MIN_MS) this.waitSpinMs = budget / 2;
    }
    return changed;
  }
}

/** The deadline a put/get waits until: 0 for `block: false`, Infinity for no timeout. */
function deadlineOf(opts: QueueOptions | undefined): number {
  if (opts === undefined) return Infinity;
  if (opts.block === false) return 0;
  return deadlineAfter(opts.timeout);
}

function drained(): QueueShutDown {
  return new QueueShutDown('get() on a shut-down queue with no items left: the producers are done; stop consuming');
}

function withCount<E extends QueueFull | QueueShutDown>(error: E, putCount: number): E {
  error.putCount = putCount;
  return error;
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${String(max)}`);
}

registerReviver<QueueHandle>('BoundedQueue', BoundedQueue.from);
