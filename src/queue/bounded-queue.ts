/**
 * BoundedQueue: a blocking FIFO shared by workers, with the semantics of Python 3.13's
 * `queue.Queue` (put/get with block and timeout, taskDone/join, shutdown), in one
 * SharedArrayBuffer. Pass `queue.handle` to a worker and `BoundedQueue.from(handle)` it there.
 *
 * Built as CPython's Lib/queue.py is: one mutex (the project's Lock) shared by three Conditions,
 * `notEmpty` (getters wait on it), `notFull` (putters wait) and `allTasksDone` (join waits), all
 * placed in the queue's own buffer. The mutex is held whenever the queue is mutating, and the
 * storage hooks (slots.ts) are called only with it held. Layout: see layout.ts.
 *
 * The algorithm, per call:
 *   1. Outside the lock: validate the options, encode the item(s) (item-codec.ts) — a too-large
 *      item throws here and the queue never sees it.
 *   2. Fast path: take the lock (spinning briefly if it is held), and if the call can complete,
 *      store/take the items, notify the other side only if someone waits on it (GETTERS/PUTTERS,
 *      kept in the hot header line), release. A blocking put/get that finds the queue full/empty
 *      spins outside the lock for an adaptive while before it takes the slow path. No generator,
 *      no allocation for a number, no Atomics.notify when nobody waits (see "fast paths" below).
 *   3. Otherwise the slow path, written once as steps (park.ts) and run blocking (`put`) or on
 *      the event loop (`putAsync`): the loop of Python's put/get, waiting on a Condition while
 *      full/empty. Before its first sleep a call drops the lock and spins a moment watching the
 *      count — the other side usually acts within microseconds, and a sleep/wake pair costs two
 *      system calls. Batches (putMany/getMany) move as many items as fit under one lock hold
 *      and wake the other side between chunks, never holding slots they no longer need.
 *
 * Counters (depth, high water, totals, blocked calls) are written under the lock and read at any
 * time without it by `stats()`: each value is current, the set is not a snapshot. Put/got totals
 * are exact to 2^53; high water, blocked and dropped counts wrap at 2^32 (read them as deltas).
 */

import { registerReviver } from '../revive.js';
import { Condition } from '../sync/condition.js';
import { InvalidHandleError } from '../sync/errors.js';
import { deadlineAfter, now, remaining } from '../sync/futex.js';
import { Lock, type LockStats } from '../sync/lock.js';
import { pause } from '../sync/mutex.js';
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
import { QueueEmpty, QueueFull, QueueShutDown, TaskDoneError } from './errors.js';
import { finish, finishAll, type Prepared, prepare, prepareAll } from './item-codec.js';
import * as L from './layout.js';
import { Slots } from './slots.js';

const { COUNT, HEAD, TAIL, UNFINISHED, SHUT_DOWN, GETTERS, PUTTERS, PUT_LO, PUT_HI, GOT_LO, GOT_HI, HIGH_WATER } = L;

/** Iterations a call spins, outside the lock, before its first sleep on a full/empty queue. */
const SPIN = 256;
/**
 * How the fast path waits for the queue's lock while another thread holds it: up to LOCK_SPIN
 * polls of the lock word, with a pause between polls that doubles up to LOCK_BACKOFF (see
 * `pause` in mutex.ts; tens of microseconds in all). The lock is held for well under a
 * microsecond for one item, a few for a batch of 256, so this almost always wins; when it does
 * not, the holder has likely been descheduled and the call takes the Lock's own sleeping path.
 * The pauses matter as much as the spin: a spinner that re-reads the hot line every few
 * nanoseconds takes it away from the holder on every poll (measured: 1P1C ran at half the rate).
 */
const LOCK_SPIN = 64;
const LOCK_BACKOFF = 256;
/** The lock spin of calls on an event-loop thread (the *Async forms): a few polls, then they park. */
const ASYNC_LOCK_SPIN = 4;
/**
 * The adaptive spin of a blocking put/get on a full/empty queue, outside the lock: it polls
 * COUNT every WAIT_PAUSE (a few hundred nanoseconds) for at most this handle's budget, in
 * milliseconds. Each handle doubles its budget after a spin that saw the other side act and
 * halves it after one that did not (and so went to sleep), between WAIT_SPIN_MIN_MS and
 * WAIT_SPIN_MAX_MS. The floor matters: a sleeping partner takes 30-60 µs to wake here, while a
 * 1024-slot queue fills or drains in a few; a spin shorter than that wake-up always fails, so
 * both sides would end up taking turns to sleep (measured: batches ran at 14 M/s instead of 40).
 */
const WAIT_PAUSE = 128;
const WAIT_SPIN_MIN_MS = 0.05;
const WAIT_SPIN_MAX_MS = 0.2;

/** Outcomes of the fast paths putFast/getFast, when they did not complete. */
const BUSY = 1; // did not get the lock, or the call cannot complete at once and was not counted
const WAITED = 2; // found the queue full/empty, counted the call as blocked, spun in vain

export type QueueHandle = SharedHandle<'BoundedQueue'>;

export interface BoundedQueueOptions extends PlacementOptions {
  /** Most items the queue holds; `put` blocks while it is full. */
  capacity: number;
  /** Bytes per slot, its 8-byte header included (a multiple of 8, at least 16; default 256). */
  slotBytes?: number;
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

type AttachShape = Attach & L.Shape;

export class BoundedQueue<T = unknown> extends SharedObject<'BoundedQueue'> {
  /** Most items the queue holds. */
  readonly capacity: number;
  /** Bytes per slot, header included; an item's encoding may use `slotBytes - 8`. */
  readonly slotBytes: number;
  /**
   * How long (ms) the item returned by the last `get`/`getNowait`/`getAsync` on this handle had
   * waited in the queue. NaN unless the queue was created with `stampItems`.
   */
  lastItemAgeMs = NaN;

  private readonly lock: Lock;
  private readonly notEmpty: Condition;
  private readonly notFull: Condition;
  private readonly allTasksDone: Condition;
  private readonly slots: Slots;
  private readonly stamps: Float64Array | undefined;
  private readonly payloadBytes: number;
  /** This handle's current budget (ms) for the adaptive full/empty spin (see WAIT_SPIN_MAX_MS). */
  private waitSpinMs = 0.05;

  /**
   * A new, empty queue of `capacity` slots of `slotBytes` each, in a new SharedArrayBuffer (or
   * in `memory`: see {@link BoundedQueue.bytesFor}).
   */
  constructor(options: BoundedQueueOptions);
  /** @internal attaches to an existing queue; use {@link BoundedQueue.from}. */
  constructor(options: AttachShape);
  constructor(options: BoundedQueueOptions | AttachShape) {
    const shape: L.Shape = {
      capacity: options.capacity,
      slotBytes: options.slotBytes ?? L.DEFAULT_SLOT_BYTES,
      stampItems: options.stampItems ?? false,
    };
    L.checkShape(shape.capacity, shape.slotBytes);
    const regions = L.regionsOf(shape);
    super('BoundedQueue', regions.bytes, options);
    this.capacity = shape.capacity;
    this.slotBytes = shape.slotBytes;
    this.payloadBytes = shape.slotBytes - L.SLOT_HEADER_BYTES;
    this.slots = new Slots(
      this.buffer,
      this.byteOffset + regions.headersAt,
      this.byteOffset + regions.payloadsAt,
      shape,
    );
    this.stamps = shape.stampItems
      ? new Float64Array(this.buffer, this.byteOffset + L.STAMPS_AT, shape.capacity)
      : undefined;
    const at = (offset: number): SharedRegion => ({ buffer: this.buffer, byteOffset: this.byteOffset + offset });
    if (isAttach(options)) {
      this.lock = Lock.from({ kind: 'Lock', ...at(L.LOCK_AT) });
      const lock = this.lock.handle as SharedHandle<'Lock'>;
      this.notEmpty = Condition.from({ kind: 'Condition', ...at(L.NOT_EMPTY_AT), lock });
      this.notFull = Condition.from({ kind: 'Condition', ...at(L.NOT_FULL_AT), lock });
      this.allTasksDone = Condition.from({ kind: 'Condition', ...at(L.ALL_DONE_AT), lock });
      return;
    }
    this.lock = new Lock({ memory: at(L.LOCK_AT) });
    this.notEmpty = new Condition(this.lock, { memory: at(L.NOT_EMPTY_AT) });
    this.notFull = new Condition(this.lock, { memory: at(L.NOT_FULL_AT) });
    this.allTasksDone = new Condition(this.lock, { memory: at(L.ALL_DONE_AT) });
    const w = this.i32;
    w[L.CAPACITY] = shape.capacity;
    w[L.SLOT_BYTES] = shape.slotBytes;
    w[L.FLAGS] = shape.stampItems ? L.FLAG_STAMPS : 0;
  }

  /** Bytes a queue of this shape occupies (to place it inside a larger buffer with `memory`). */
  static bytesFor(capacity: number, slotBytes = L.DEFAULT_SLOT_BYTES, stampItems = false): number {
    L.checkShape(capacity, slotBytes);
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
    };
    let valid = true;
    try {
      L.checkShape(shape.capacity, shape.slotBytes);
    } catch {
      valid = false;
    }
    // With a bad shape, attach as the smallest queue: the tag check then names what the memory is.
    const queue = new BoundedQueue<T>({
      [ATTACH]: handle,
      ...(valid ? shape : { capacity: 1, slotBytes: 16, stampItems: false }),
    });
    if (!valid)
      throw new InvalidHandleError(
        `corrupt BoundedQueue header: capacity ${shape.capacity}, slotBytes ${shape.slotBytes}`,
      );
    return queue;
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
    const prepared = prepare(item, this.payloadBytes);
    const r = this.putFast(prepared, deadline, LOCK_SPIN);
    if (r !== 0) runBlocking(this.putSteps([prepared], deadline, opts, r === WAITED, true));
  }

  /** Equivalent to `put(item, { block: false })`: raises QueueFull at once if there is no room. */
  putNowait(item: T): void {
    this.put(item, { block: false });
  }

  /** Like {@link put}, but waits without blocking the event loop. */
  async putAsync(item: T, opts?: QueueOptions): Promise<void> {
    const deadline = deadlineOf(opts);
    const prepared = prepare(item, this.payloadBytes);
    if (this.putFast(prepared, 0, ASYNC_LOCK_SPIN) !== 0)
      await runAsync(this.putSteps([prepared], deadline, opts, false, false));
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
    const prepared = prepareAll(items, this.payloadBytes);
    if (prepared.length > 0 && !this.tryPutAll(prepared, LOCK_SPIN))
      runBlocking(this.putSteps(prepared, deadline, opts, false, true));
  }

  /** Like {@link putMany}, without blocking the event loop. */
  async putManyAsync(items: Iterable<T>, opts?: QueueOptions): Promise<void> {
    const deadline = deadlineOf(opts);
    // Copied if prepareAll passed the caller's array through: it may change while we wait.
    const prepared = prepareAll(items, this.payloadBytes);
    const own = prepared === (items as unknown) ? prepared.slice() : prepared;
    if (own.length > 0 && !this.tryPutAll(own, ASYNC_LOCK_SPIN))
      await runAsync(this.putSteps(own, deadline, opts, false, false));
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
    const raw = this.getFast(deadline, LOCK_SPIN);
    if (raw !== NONE && raw !== NONE_WAITED) return finish(raw) as T;
    return finish(runBlocking(this.getSteps(1, deadline, opts, raw === NONE_WAITED, true))[0]) as T;
  }

  /** Equivalent to `get({ block: false })`: raises QueueEmpty at once if there is no item. */
  getNowait(): T {
    return this.get({ block: false });
  }

  /** Like {@link get}, but waits without blocking the event loop. */
  async getAsync(opts?: QueueOptions): Promise<T> {
    const deadline = deadlineOf(opts);
    const raw = this.getFast(0, ASYNC_LOCK_SPIN);
    return finish(raw !== NONE ? raw : (await runAsync(this.getSteps(1, deadline, opts, false, false)))[0]) as T;
  }

  /**
   * Removes and returns 1 to `max` items, in FIFO order: waits for the first one exactly as
   * {@link get} does (same options, same errors), then takes whatever else is already there,
   * up to `max`, without waiting — all under one lock hold.
   */
  getMany(max: number, opts?: QueueOptions): T[] {
    checkMax(max);
    const deadline = deadlineOf(opts);
    const raw = this.getFast(deadline, LOCK_SPIN, max);
    if (raw !== NONE && raw !== NONE_WAITED) return finishAll(raw as unknown[]) as T[];
    return finishAll(runBlocking(this.getSteps(max, deadline, opts, raw === NONE_WAITED, true))) as T[];
  }

  /** Like {@link getMany}, without blocking the event loop. */
  async getManyAsync(max: number, opts?: QueueOptions): Promise<T[]> {
    checkMax(max);
    return finishAll(await runAsync(this.getSteps(max, deadlineOf(opts), opts, false, false))) as T[];
  }

  // --- tasks and shutdown ------------------------------------------------------------------

  /**
   * Tells the queue that a task taken from it is complete: call it once per item after
   * processing what `get` returned. When every item put has been marked done, `join` returns.
   * @throws TaskDoneError if called more times than items were put.
   */
  taskDone(): void {
    this.lock.acquire();
    try {
      const unfinished = this.i32[UNFINISHED]! - 1;
      if (unfinished < 0)
        throw new TaskDoneError(
          'taskDone() called too many times: call it once per item taken with get(), after processing it',
        );
      this.i32[UNFINISHED] = unfinished;
      if (unfinished === 0) this.allTasksDone.notifyAll();
    } finally {
      this.lock.release();
    }
  }

  /**
   * Blocks until every item ever put has been got and marked done with `taskDone` (at once if
   * none is unfinished). An immediate shutdown counts the items it drops as done.
   * Blocks the calling thread: on an event-loop thread use {@link joinAsync}.
   */
  join(): void {
    runBlocking(this.joinSteps());
  }

  /** Like {@link join}, without blocking the event loop. */
  joinAsync(): Promise<void> {
    return runAsync(this.joinSteps());
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
    return Atomics.load(this.i32, COUNT);
  }

  /** Whether the queue is empty right now (approximate, like {@link qsize}). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Whether the queue is full right now (approximate, like {@link qsize}). */
  full(): boolean {
    return this.qsize() >= this.capacity;
  }

  /** Whether `shutdown` has been called (by any thread). */
  get isShutDown(): boolean {
    return Atomics.load(this.i32, SHUT_DOWN) !== 0;
  }

  /** Counters for dashboards, read without the lock (each value current; together not a snapshot). */
  stats(): QueueStats {
    const w = this.i32;
    const load = (i: number): number => Atomics.load(w, i) >>> 0;
    return {
      depth: load(COUNT),
      capacity: this.capacity,
      highWater: load(HIGH_WATER),
      put: load64(w, PUT_LO, PUT_HI),
      got: load64(w, GOT_LO, GOT_HI),
      putBlocked: load(L.PUT_BLOCKED),
      getBlocked: load(L.GET_BLOCKED),
      unfinished: load(UNFINISHED),
      dropped: load(L.DROPPED),
      shutDown: load(SHUT_DOWN) !== 0,
    };
  }

  /** The internal lock's counters: acquisitions, contended acquisitions, current holder. */
  lockStats(): LockStats {
    return this.lock.stats();
  }

  /** The handle of the queue's internal lock (for diagnostics and fault-injection tests). */
  get lockHandle(): SharedHandle<'Lock'> {
    return this.lock.handle as SharedHandle<'Lock'>;
  }

  // --- private: fast paths -------------------------------------------------------------------
  //
  // The single-item fast path (put/get of one item, the rate that matters for most pipelines):
  //   1. take the queue's lock with Lock.spinAcquire — one compareExchange when it is free, else a
  //      bounded test-and-test-and-set spin (LOCK_SPIN; a few polls only on an event-loop thread):
  //      the lock is held for a few hundred nanoseconds, far less than a futex sleep/wake round
  //      trip (tens of microseconds);
  //   2. if the call can complete, store/take the item in its slot, update the counters and
  //      notify the other side only if GETTERS/PUTTERS says a thread sleeps there (most calls make
  //      no Atomics.notify at all), and release with Lock.releaseHeld (one compareExchange);
  //   3. a blocking call that finds the queue full/empty counts itself as blocked, drops the lock
  //      and spins on COUNT for an adaptive budget (waitSpinMs), then takes the lock once more.
  // No generator, no closure and, for a number, no allocation on the way. Anything else — the
  // lock's holder descheduled, the spin in vain, a timeout, a shutdown — goes to the slow path
  // (putSteps/getSteps below), which re-checks everything under the lock, as after any wakeup.

  /**
   * Puts one item: 0 when done, else BUSY (nothing counted: the slow path does it all) or WAITED
   * (the queue was full and this call already counted itself as blocked and spun). `deadline`
   * 0 (don't wait, or not here: the async forms) never spins and never returns WAITED; else the
   * spin ends by the deadline, so a put with a timeout of 0 fails as soon as Python's would.
   */
  private putFast(item: Prepared, deadline: number, spins: number): number {
    const w = this.i32;
    const lock = this.lock;
    if (!lock.spinAcquire(spins, LOCK_BACKOFF)) return BUSY;
    if (this.putOneHeld(item)) return 0;
    if (deadline === 0 || w[SHUT_DOWN] !== 0) {
      lock.releaseHeld();
      return BUSY;
    }
    this.countBlocked(L.PUT_BLOCKED);
    lock.releaseHeld();
    if (this.spinWhile(this.capacity, deadline) && lock.spinAcquire(LOCK_SPIN, LOCK_BACKOFF)) {
      if (this.putOneHeld(item)) return 0;
      lock.releaseHeld();
    }
    return WAITED;
  }

  /** Puts every item if the lock can be had, the queue is open and all of them fit; else false. */
  private tryPutAll(items: Prepared[], spins: number): boolean {
    if (!this.lock.spinAcquire(spins, LOCK_BACKOFF)) return false;
    const w = this.i32;
    const ok = w[SHUT_DOWN] === 0 && this.capacity - w[COUNT]! >= items.length;
    if (ok) this.store(items, 0, items.length);
    this.lock.releaseHeld();
    return ok;
  }

  /**
   * Takes one item (`max` 0) or up to `max` items (getMany: an array): the raw item(s), for
   * `finish`, else NONE or NONE_WAITED — the counterparts of putFast's BUSY and WAITED.
   */
  private getFast(deadline: number, spins: number, max = 0): unknown {
    const w = this.i32;
    const lock = this.lock;
    if (!lock.spinAcquire(spins, LOCK_BACKOFF)) return NONE;
    if (w[COUNT]! > 0) return max === 0 ? this.takeOneHeld() : this.takeHeld(max);
    if (deadline === 0 || w[SHUT_DOWN] !== 0) {
      lock.releaseHeld();
      return NONE;
    }
    this.countBlocked(L.GET_BLOCKED);
    lock.releaseHeld();
    if (this.spinWhile(0, deadline) && lock.spinAcquire(LOCK_SPIN, LOCK_BACKOFF)) {
      if (w[COUNT]! > 0) return max === 0 ? this.takeOneHeld() : this.takeHeld(max);
      lock.releaseHeld();
    }
    return NONE_WAITED;
  }

  /** Stores one item and releases the lock if the queue is open and has room; else false (still held). */
  private putOneHeld(item: Prepared): boolean {
    const w = this.i32;
    if (w[SHUT_DOWN] !== 0 || w[COUNT]! >= this.capacity) return false;
    this.slots.write(w[TAIL]!, item);
    this.putDone(1);
    this.lock.releaseHeld();
    return true;
  }

  /** Takes the item at the head (one is there), then releases the lock. */
  private takeOneHeld(): unknown {
    const raw = this.slots.read(this.i32[HEAD]!);
    this.gotDone(1);
    this.lock.releaseHeld();
    return raw;
  }

  /** Takes up to `max` of the items there (at least one is), then releases the lock. */
  private takeHeld(max: number): unknown[] {
    const out = this.take(max);
    this.lock.releaseHeld();
    return out;
  }

  /**
   * Spins, lock not held, while COUNT stays `count` and the queue stays open, for at most this
   * handle's adaptive budget and never past `deadline`. True if the queue changed (the caller
   * retries under the lock).
   */
  private spinWhile(count: number, deadline: number): boolean {
    const w = this.i32;
    const budget = this.waitSpinMs;
    const until = Math.min(now() + budget, deadline);
    do {
      if (Atomics.load(w, COUNT) !== count || Atomics.load(w, SHUT_DOWN) !== 0) {
        if (budget < WAIT_SPIN_MAX_MS) this.waitSpinMs = budget * 2;
        return true;
      }
      pause(WAIT_PAUSE);
    } while (now() < until);
    if (budget > WAIT_SPIN_MIN_MS) this.waitSpinMs = budget / 2;
    return false;
  }

  /**
   * Takes the lock in the slow path: the fast path's spin first (short on an event loop), then the
   * Lock's own way, which parks (Atomics.wait, or waitAsync when run by runAsync).
   */
  private *acquireSteps(blocking: boolean): Steps<void> {
    if (!this.lock.spinAcquire(blocking ? LOCK_SPIN : ASYNC_LOCK_SPIN, LOCK_BACKOFF))
      yield* this.lock.acquireSteps(Infinity);
  }

  // --- private: the algorithms (Python's put/get/join/shutdown), as steps ---------------------

  /**
   * `blocked`: the fast path already counted this call as blocked and spun (skip both).
   * `blocking`: run by runBlocking (a worker may spin adaptively, again after each wakeup), not
   * on an event loop (one short spin only).
   */
  private *putSteps(
    items: Prepared[],
    deadline: number,
    opts: QueueOptions | undefined,
    blocked: boolean,
    blocking: boolean,
  ): Steps<void> {
    const w = this.i32;
    let done = 0;
    let waited = blocked;
    let spinNext = !blocked;
    yield* this.acquireSteps(blocking);
    try {
      while (done < items.length) {
        if (w[SHUT_DOWN])
          throw withCount(new QueueShutDown('put() on a shut-down queue: it accepts no items after shutdown()'), done);
        const room = this.capacity - w[COUNT]!;
        if (room > 0) {
          const n = Math.min(room, items.length - done);
          this.store(items, done, n);
          done += n;
          continue;
        }
        if (deadline === 0)
          throw withCount(
            new QueueFull(
              `the queue is full (capacity ${this.capacity}): use a blocking put() to wait for room, or retry later`,
            ),
            done,
          );
        if (!waited) {
          waited = true;
          this.countBlocked(L.PUT_BLOCKED);
        }
        if (spinNext) {
          // Spin again next time only if this spin saw a getter act (and we may spin at length).
          spinNext = (yield* this.spinOutside(this.capacity, blocking, deadline)) && blocking;
          continue;
        }
        yield* this.waitOn(this.notFull, PUTTERS, deadline, () =>
          withCount(
            new QueueFull(
              `put() timed out after ${opts?.timeout} ms: the queue stayed full ` +
                `(capacity ${this.capacity}); are the consumers running?`,
            ),
            done,
          ),
        );
        spinNext = blocking;
      }
    } finally {
      this.lock.release();
    }
  }

  /** `blocked` and `blocking`: as for putSteps. */
  private *getSteps(
    max: number,
    deadline: number,
    opts: QueueOptions | undefined,
    blocked: boolean,
    blocking: boolean,
  ): Steps<unknown[]> {
    const w = this.i32;
    yield* this.acquireSteps(blocking);
    try {
      if (w[COUNT] === 0) {
        if (w[SHUT_DOWN]) throw drained();
        if (deadline === 0)
          throw new QueueEmpty('the queue is empty: use a blocking get() to wait for an item, or retry later');
        if (!blocked) {
          this.countBlocked(L.GET_BLOCKED);
          yield* this.spinOutside(0, blocking, deadline);
        }
        while (w[COUNT] === 0) {
          if (w[SHUT_DOWN]) throw drained();
          yield* this.waitOn(
            this.notEmpty,
            GETTERS,
            deadline,
            () =>
              new QueueEmpty(`get() timed out after ${opts?.timeout} ms: no item arrived; are the producers running?`),
          );
        }
      }
      return this.take(max);
    } finally {
      this.lock.release();
    }
  }

  private *joinSteps(): Steps<void> {
    yield* this.lock.acquireSteps(Infinity);
    try {
      while (this.i32[UNFINISHED]! > 0) yield* this.allTasksDone.waitSteps(undefined);
    } finally {
      this.lock.release();
    }
  }

  private *shutdownSteps(immediate: boolean): Steps<void> {
    yield* this.lock.acquireSteps(Infinity);
    try {
      const w = this.i32;
      Atomics.store(w, SHUT_DOWN, 1);
      if (immediate) {
        const dropped = w[COUNT]!;
        w[HEAD] = w[TAIL]!;
        Atomics.store(w, COUNT, 0);
        w[UNFINISHED] = Math.max(0, w[UNFINISHED]! - dropped);
        w[L.DROPPED] = (w[L.DROPPED]! + dropped) | 0;
        this.allTasksDone.notifyAll();
      }
      this.notEmpty.notifyAll();
      this.notFull.notifyAll();
    } finally {
      this.lock.release();
    }
  }

  /**
   * One wait on `condition`, lock held, counting the waiter in `counter` (GETTERS/PUTTERS) so
   * the other side knows to notify. Throws `timedOut()` once `deadline` has passed.
   */
  private *waitOn(condition: Condition, counter: number, deadline: number, timedOut: () => Error): Steps<void> {
    const left = remaining(deadline);
    if (left === 0) throw timedOut();
    const w = this.i32;
    w[counter] = w[counter]! + 1;
    try {
      yield* condition.waitSteps(left === Infinity ? undefined : left);
    } finally {
      w[counter] = w[counter]! - 1;
    }
  }

  /**
   * Releases the lock, spins while the count stays `count` and the queue stays open — the adaptive
   * spin (spinWhile) if `adaptive`, else a short fixed one — and takes the lock back; the caller
   * then re-checks everything, as after any wakeup. True if the queue changed meanwhile.
   */
  private *spinOutside(count: number, adaptive: boolean, deadline: number): Steps<boolean> {
    this.lock.release();
    let changed: boolean;
    if (adaptive) changed = this.spinWhile(count, deadline);
    else {
      const w = this.i32;
      let i = 0;
      while (i < SPIN && Atomics.load(w, COUNT) === count && Atomics.load(w, SHUT_DOWN) === 0) i++;
      changed = i < SPIN;
    }
    yield* this.acquireSteps(adaptive);
    return changed;
  }

  // --- private: storage and bookkeeping (lock held) -------------------------------------------

  /** Counts a put (PUT_BLOCKED) or get (GET_BLOCKED) that had to wait (wraps at 2^32). */
  private countBlocked(word: number): void {
    this.i32[word] = (this.i32[word]! + 1) | 0;
  }

  /** Reads up to `max` items from the head (at least one is there) and accounts for them. */
  private take(max: number): unknown[] {
    const w = this.i32;
    const n = Math.min(max, w[COUNT]!);
    const out = new Array<unknown>(n);
    const head = w[HEAD]!;
    for (let i = 0; i < n; i++) out[i] = this.slots.read(wrap(head + i, this.capacity));
    this.gotDone(n);
    return out;
  }

  /** Stores items[from, from + n) at the tail (room checked) and wakes as many getters. */
  private store(items: Prepared[], from: number, n: number): void {
    const tail = this.i32[TAIL]!;
    for (let i = 0; i < n; i++) this.slots.write(wrap(tail + i, this.capacity), items[from + i]);
    this.putDone(n);
  }

  /** Accounts for `n` items just written at the tail; wakes up to `n` waiting getters. */
  private putDone(n: number): void {
    const w = this.i32;
    const tail = w[TAIL]!;
    if (this.stamps) this.stamp(tail, n);
    w[TAIL] = wrap(tail + n, this.capacity);
    const count = w[COUNT]! + n;
    w[COUNT] = count;
    if (count > w[HIGH_WATER]!) w[HIGH_WATER] = count;
    w[UNFINISHED] = w[UNFINISHED]! + n;
    add64(w, PUT_LO, PUT_HI, n);
    if (w[GETTERS] !== 0) this.notEmpty.notify(n);
  }

  /** Accounts for `n` items just read at the head; wakes up to `n` waiting putters. */
  private gotDone(n: number): void {
    const w = this.i32;
    const head = w[HEAD]!;
    if (this.stamps) this.lastItemAgeMs = epochMs() - this.stamps[wrap(head + n - 1, this.capacity)]!;
    w[HEAD] = wrap(head + n, this.capacity);
    w[COUNT] = w[COUNT]! - n;
    add64(w, GOT_LO, GOT_HI, n);
    if (w[PUTTERS] !== 0) this.notFull.notify(n);
  }

  private stamp(tail: number, n: number): void {
    const t = epochMs();
    for (let i = 0; i < n; i++) this.stamps![wrap(tail + i, this.capacity)] = t;
  }
}

/** What the get fast path returns when it cannot complete (no item may be this value). */
const NONE: unique symbol = Symbol('none');
/** What it returns when the queue was empty and the call already counted itself blocked and spun. */
const NONE_WAITED: unique symbol = Symbol('none, waited');

const epochMs = (): number => performance.timeOrigin + performance.now();

/** `i` modulo `capacity`, for 0 <= i < 2 × capacity. */
const wrap = (i: number, capacity: number): number => (i >= capacity ? i - capacity : i);

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

/**
 * Adds `n` to the two-word counter (lo, hi), lock held. The rare carry writes hi = -1 first so a
 * reader (load64) that races it retries instead of pairing a new low word with an old high one.
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
function load64(w: Int32Array, lo: number, hi: number): number {
  for (;;) {
    const high = Atomics.load(w, hi);
    const low = Atomics.load(w, lo) >>> 0;
    if (high !== -1 && Atomics.load(w, hi) === high) return high * 2 ** 32 + low;
  }
}

registerReviver<QueueHandle>('BoundedQueue', BoundedQueue.from);
