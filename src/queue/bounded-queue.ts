/**
 * BoundedQueue: a blocking FIFO shared by workers, with the semantics of Python 3.13's
 * `queue.Queue` (put/get with block and timeout, task_done/join, shutdown), in one
 * SharedArrayBuffer. Pass `queue.handle` to a worker and `BoundedQueue.from(handle)` it there.
 *
 * Built as CPython's Lib/queue.py is: one mutex (the project's Lock) shared by three Conditions —
 * `notEmpty` (getters wait), `notFull` (putters wait) and `allTasksDone` (join waits). The mutex
 * is held whenever the queue is mutating; slot reads and writes happen only under it.
 *
 * Layout (bytes from byteOffset):
 *     0  Int32 header: tag, head, tail, count, unfinished tasks, shut down, capacity, slot bytes,
 *        high-water mark, total put, total got, puts that blocked, gets that blocked, flags
 *    56  Lock (24)   80  notEmpty (16)   96  notFull (16)   112  allTasksDone (16)
 *   128  [stamps: Float64 per slot, the time each item was put — only with `stampItems`]
 *        slots: capacity × slotBytes, each  Int32 tag | Int32 length | payload (see item-codec.ts)
 *
 * The hot path: `put` of a number with the lock free and room in the ring is one
 * compareExchange to lock, a float64 store, a few header stores, and one compareExchange to
 * unlock. Conditions are notified only when their waiter count says someone sleeps, so an
 * uncontended queue never calls Atomics.notify. Anything that must wait falls to the slow path,
 * written once as steps (park.ts) and run blocking (`put`) or on the event loop (`putAsync`).
 *
 * Counters (depth, high water, totals, blocked counts) are written under the lock and may be read
 * at any time without it via `stats()`; totals wrap at 2^32 (read them as deltas).
 */
import { ATTACH, type Attach, checkHandle, type PlacementOptions, SharedObject, type SharedHandle } from '../sync/shared-object.js';
import { Lock, type LockStats } from '../sync/lock.js';
import { Condition } from '../sync/condition.js';
import { deadlineAfter, remaining } from '../sync/futex.js';
import { runAsync, runBlocking, type Steps } from '../sync/park.js';
import { registerReviver } from '../revive.js';
import { decodeItem, type Encoded, encodeItem, SLOT_HEADER_BYTES, Tag } from './item-codec.js';
import { QueueEmpty, QueueFull, QueueShutDown, TaskDoneError } from './errors.js';

const HEAD = 1;
const TAIL = 2;
const COUNT = 3;
const UNFINISHED = 4;
const SHUT_DOWN = 5;
const CAPACITY = 6;
const SLOT_BYTES = 7;
const HIGH_WATER = 8;
const PUT_TOTAL = 9;
const GOT_TOTAL = 10;
const PUT_BLOCKED = 11;
const GET_BLOCKED = 12;
const FLAGS = 13;
const FLAG_STAMPS = 1;

const LOCK_AT = 56;
const NOT_EMPTY_AT = LOCK_AT + Lock.BYTES;
const NOT_FULL_AT = NOT_EMPTY_AT + Condition.BYTES;
const ALL_DONE_AT = NOT_FULL_AT + Condition.BYTES;
const STAMPS_AT = ALL_DONE_AT + Condition.BYTES;

const DEFAULT_SLOT_BYTES = 256;
const MAX_CAPACITY = 1 << 24;

export type QueueHandle = SharedHandle<'BoundedQueue'>;

export interface BoundedQueueOptions extends PlacementOptions {
  /** Most items the queue holds; `put` blocks while it is full. */
  capacity: number;
  /** Bytes per slot, header included (a multiple of 8, at least 16; default 256). */
  slotBytes?: number;
  /** Record when each item was put, so `lastItemAgeMs` tells how long the last `get`'s item waited. */
  stampItems?: boolean;
}

export interface QueueOptions {
  /** false: don't wait (raise QueueFull/QueueEmpty at once). Default true. */
  block?: boolean;
  /** With block, wait at most this many milliseconds; undefined waits forever. */
  timeout?: number;
}

export interface QueueStats {
  depth: number;
  capacity: number;
  highWater: number;
  /** Items ever put / got (wrap at 2^32). */
  put: number;
  got: number;
  /** Calls to put/get that found the queue full/empty and had to wait. */
  putBlocked: number;
  getBlocked: number;
  unfinished: number;
  shutDown: boolean;
}

/** A slot's content copied out under the lock, decoded after it is released. */
type Raw = number | Encoded;

const epochMs = (): number => performance.timeOrigin + performance.now();

function layoutBytes(capacity: number, slotBytes: number, stamps: boolean): number {
  return STAMPS_AT + (stamps ? capacity * 8 : 0) + capacity * slotBytes;
}

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
  private readonly slotI32: Int32Array;
  private readonly slotF64: Float64Array;
  private readonly slotU8: Uint8Array;
  private readonly stamps: Float64Array | undefined;
  private readonly payloadBytes: number;

  constructor(options: BoundedQueueOptions | (Attach & { capacity: number; slotBytes: number; stampItems: boolean })) {
    const { capacity, slotBytes = DEFAULT_SLOT_BYTES, stampItems = false } = options;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      throw new RangeError(`capacity must be an integer from 1 to ${MAX_CAPACITY}, got ${String(capacity)}`);
    }
    if (!Number.isInteger(slotBytes) || slotBytes < 16 || slotBytes % 8 !== 0) {
      throw new RangeError(`slotBytes must be a multiple of 8 and at least 16, got ${String(slotBytes)}`);
    }
    const attach = ATTACH in options;
    super('BoundedQueue', layoutBytes(capacity, slotBytes, stampItems), attach ? options : { memory: (options as BoundedQueueOptions).memory! });
    this.capacity = capacity;
    this.slotBytes = slotBytes;
    this.payloadBytes = slotBytes - SLOT_HEADER_BYTES;
    const at = (offset: number) => ({ buffer: this.buffer, byteOffset: this.byteOffset + offset });
    const slotsAt = this.byteOffset + STAMPS_AT + (stampItems ? capacity * 8 : 0);
    this.slotI32 = new Int32Array(this.buffer, slotsAt, (capacity * slotBytes) >> 2);
    this.slotF64 = new Float64Array(this.buffer, slotsAt, (capacity * slotBytes) >> 3);
    this.slotU8 = new Uint8Array(this.buffer, slotsAt, capacity * slotBytes);
    this.stamps = stampItems ? new Float64Array(this.buffer, this.byteOffset + STAMPS_AT, capacity) : undefined;
    if (attach) {
      this.lock = Lock.from({ kind: 'Lock', ...at(LOCK_AT) });
      const condition = (offset: number) => Condition.from({ kind: 'Condition', ...at(offset), lock: this.lock.handle as SharedHandle<'Lock'> });
      this.notEmpty = condition(NOT_EMPTY_AT);
      this.notFull = condition(NOT_FULL_AT);
      this.allTasksDone = condition(ALL_DONE_AT);
      return;
    }
    this.lock = new Lock({ memory: at(LOCK_AT) });
    this.notEmpty = new Condition(this.lock, { memory: at(NOT_EMPTY_AT) });
    this.notFull = new Condition(this.lock, { memory: at(NOT_FULL_AT) });
    this.allTasksDone = new Condition(this.lock, { memory: at(ALL_DONE_AT) });
    const w = this.i32;
    w[CAPACITY] = capacity;
    w[SLOT_BYTES] = slotBytes;
    w[FLAGS] = stampItems ? FLAG_STAMPS : 0;
  }

  /** Bytes a queue of this shape occupies (to place it inside a larger buffer with `memory`). */
  static bytesFor(capacity: number, slotBytes = DEFAULT_SLOT_BYTES, stampItems = false): number {
    return layoutBytes(capacity, slotBytes, stampItems);
  }

  /** Rebuilds, in this thread, the queue that `handle` describes. */
  static from<T = unknown>(handle: QueueHandle): BoundedQueue<T> {
    checkHandle(handle, 'BoundedQueue');
    const header = new Int32Array(handle.buffer, handle.byteOffset, Math.min(FLAGS + 1, (handle.buffer.byteLength - handle.byteOffset) >> 2));
    return new BoundedQueue<T>({
      [ATTACH]: handle,
      capacity: header[CAPACITY] || 1,
      slotBytes: header[SLOT_BYTES] || 16,
      stampItems: ((header[FLAGS] ?? 0) & FLAG_STAMPS) !== 0,
    });
  }

  // --- putting -------------------------------------------------------------------------------

  /**
   * Puts `item` at the back of the queue. With no options, blocks while the queue is full.
   * With `block: false`, raises QueueFull at once if there is no free slot (timeout is ignored).
   * With `timeout` (ms), raises QueueFull if no slot came free in time.
   * @throws QueueShutDown if the queue is (or becomes, while waiting) shut down.
   * @throws ItemTooLargeError if the item's encoding does not fit a slot (the queue is untouched).
   */
  put(item: T, opts?: QueueOptions): void {
    const encoded = encodeItem(item, this.payloadBytes);
    if (!this.tryPutNow(encoded)) runBlocking(this.putSteps([encoded], opts));
  }

  /** `put(item, { block: false })`. */
  putNowait(item: T): void {
    this.put(item, { block: false });
  }

  /** Like {@link put}, but waits without blocking the event loop. */
  async putAsync(item: T, opts?: QueueOptions): Promise<void> {
    const encoded = encodeItem(item, this.payloadBytes);
    if (!this.tryPutNow(encoded)) await runAsync(this.putSteps([encoded], opts));
  }

  /**
   * Puts every item, in order, filling free slots under one lock hold at a time and waking
   * getters between batches. Options apply as in {@link put}; if it gives up (QueueFull) or the
   * queue shuts down (QueueShutDown), the error's `putCount` says how many items went in.
   * Every item is encoded first, so a too-large one throws before any is put.
   */
  putMany(items: Iterable<T>, opts?: QueueOptions): void {
    const encoded = Array.from(items, (item) => encodeItem(item, this.payloadBytes));
    if (encoded.length > 0) runBlocking(this.putSteps(encoded, opts));
  }

  /** Like {@link putMany}, without blocking the event loop. */
  async putManyAsync(items: Iterable<T>, opts?: QueueOptions): Promise<void> {
    const encoded = Array.from(items, (item) => encodeItem(item, this.payloadBytes));
    if (encoded.length > 0) await runAsync(this.putSteps(encoded, opts));
  }

  // --- getting -------------------------------------------------------------------------------

  /**
   * Removes and returns the item at the front. With no options, blocks while the queue is empty.
   * With `block: false`, raises QueueEmpty at once if there is none. With `timeout` (ms), raises
   * QueueEmpty if none arrived in time.
   * @throws QueueShutDown if the queue is shut down and empty (items put before the shutdown are
   *   still returned first).
   */
  get(opts?: QueueOptions): T {
    const raw = this.tryGetNow();
    return this.decode(raw !== undefined ? raw : runBlocking(this.getSteps(1, opts))[0]!);
  }

  /** `get({ block: false })`. */
  getNowait(): T {
    return this.get({ block: false });
  }

  /** Like {@link get}, but waits without blocking the event loop. */
  async getAsync(opts?: QueueOptions): Promise<T> {
    const raw = this.tryGetNow();
    return this.decode(raw !== undefined ? raw : (await runAsync(this.getSteps(1, opts)))[0]!);
  }

  /**
   * Removes and returns 1 to `max` items in FIFO order under one lock hold: waits for the first
   * as {@link get} does, then takes whatever else is there without waiting.
   */
  getMany(max: number, opts?: QueueOptions): T[] {
    checkMax(max);
    return runBlocking(this.getSteps(max, opts)).map((raw) => this.decode(raw));
  }

  /** Like {@link getMany}, without blocking the event loop. */
  async getManyAsync(max: number, opts?: QueueOptions): Promise<T[]> {
    checkMax(max);
    return (await runAsync(this.getSteps(max, opts))).map((raw) => this.decode(raw));
  }

  // --- tasks and shutdown ------------------------------------------------------------------

  /**
   * Tells the queue that an item taken with `get` has been fully processed. When every item put
   * has been marked done, `join` returns.
   * @throws TaskDoneError if called more times than items were put.
   */
  taskDone(): void {
    this.lock.acquire();
    try {
      const unfinished = this.i32[UNFINISHED]! - 1;
      if (unfinished < 0) throw new TaskDoneError('taskDone() called too many times: call it once per item taken with get()');
      this.i32[UNFINISHED] = unfinished;
      if (unfinished === 0) this.allTasksDone.notifyAll();
    } finally {
      this.lock.release();
    }
  }

  /** Blocks until every item ever put has been marked done with `taskDone`. */
  join(): void {
    runBlocking(this.joinSteps());
  }

  /** Like {@link join}, without blocking the event loop. */
  joinAsync(): Promise<void> {
    return runAsync(this.joinSteps());
  }

  /**
   * Shuts the queue down (Python 3.13): later puts raise QueueShutDown; gets return what is left,
   * then raise QueueShutDown. With `immediate`, what is left is dropped (and counted as done, so
   * `join` returns). Every thread blocked in put, get or join, in any worker, wakes up.
   */
  shutdown(opts?: { immediate?: boolean }): void {
    runBlocking(this.shutdownSteps(opts?.immediate ?? false));
  }

  /** Like {@link shutdown}, without blocking the event loop while it takes the lock. */
  shutdownAsync(opts?: { immediate?: boolean }): Promise<void> {
    return runAsync(this.shutdownSteps(opts?.immediate ?? false));
  }

  // --- observing -----------------------------------------------------------------------------

  /** Items in the queue now. Approximate: another thread may change it before you act on it. */
  qsize(): number {
    return Atomics.load(this.i32, COUNT);
  }

  /** Whether the queue is empty now (approximate, like qsize). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Whether the queue is full now (approximate, like qsize). */
  full(): boolean {
    return this.qsize() >= this.capacity;
  }

  /** Whether `shutdown` has been called. */
  get isShutDown(): boolean {
    return Atomics.load(this.i32, SHUT_DOWN) === 1;
  }

  /** Counters for dashboards, read without the lock (each one current, together not atomic). */
  stats(): QueueStats {
    const load = (i: number): number => Atomics.load(this.i32, i) >>> 0;
    return {
      depth: load(COUNT),
      capacity: this.capacity,
      highWater: load(HIGH_WATER),
      put: load(PUT_TOTAL),
      got: load(GOT_TOTAL),
      putBlocked: load(PUT_BLOCKED),
      getBlocked: load(GET_BLOCKED),
      unfinished: load(UNFINISHED),
      shutDown: this.isShutDown,
    };
  }

  /** The internal lock's counters: acquisitions, contended acquisitions, holder. */
  lockStats(): LockStats {
    return this.lock.stats();
  }

  /** The handle of the queue's internal lock (for diagnostics and fault-injection tests). */
  get lockHandle(): SharedHandle<'Lock'> {
    return this.lock.handle as SharedHandle<'Lock'>;
  }

  // --- private: the algorithms ---------------------------------------------------------------

  /** The fast path: the lock is free and there is room. False means "take the slow path". */
  private tryPutNow(encoded: Raw): boolean {
    if (!this.lock.tryAcquire()) return false;
    const w = this.i32;
    const ok = w[SHUT_DOWN] === 0 && w[COUNT]! < this.capacity;
    if (ok) {
      this.writeSlot(encoded);
      if (this.notEmpty.waiters > 0) this.notEmpty.notify();
    }
    this.lock.release();
    return ok;
  }

  /** The fast path for one get: the lock is free and there is an item. */
  private tryGetNow(): Raw | undefined {
    if (!this.lock.tryAcquire()) return undefined;
    let raw: Raw | undefined;
    if (this.i32[COUNT]! > 0) {
      raw = this.readSlot();
      if (this.notFull.waiters > 0) this.notFull.notify();
    }
    this.lock.release();
    return raw;
  }

  private *putSteps(encoded: Raw[], opts: QueueOptions | undefined): Steps<void> {
    const block = opts?.block ?? true;
    const deadline = block ? deadlineAfter(opts?.timeout) : 0;
    const w = this.i32;
    let done = 0;
    let blocked = false;
    yield* this.lock.acquireSteps(Infinity);
    try {
      while (done < encoded.length) {
        if (w[SHUT_DOWN]) throw withCount(new QueueShutDown('put() on a shut-down queue: no more items are accepted'), done);
        const room = this.capacity - w[COUNT]!;
        if (room === 0) {
          if (!block) throw withCount(new QueueFull(`the queue is full (capacity ${this.capacity}); use a blocking put or retry later`), done);
          if (!blocked) w[PUT_BLOCKED] = (w[PUT_BLOCKED]! + 1) | 0; // count calls that blocked, not wakeups
          blocked = true;
          yield* this.waitFor(this.notFull, deadline, () => withCount(new QueueFull(`put() timed out after ${opts?.timeout} ms: the queue stayed full`), done));
          continue;
        }
        const n = Math.min(room, encoded.length - done);
        for (let i = 0; i < n; i++) this.writeSlot(encoded[done++]!);
        if (this.notEmpty.waiters > 0) this.notEmpty.notify(n);
      }
    } finally {
      this.lock.release();
    }
  }

  private *getSteps(max: number, opts: QueueOptions | undefined): Steps<Raw[]> {
    const block = opts?.block ?? true;
    const deadline = block ? deadlineAfter(opts?.timeout) : 0;
    const w = this.i32;
    yield* this.lock.acquireSteps(Infinity);
    try {
      if (w[COUNT] === 0) {
        if (w[SHUT_DOWN]) throw new QueueShutDown('get() on a shut-down queue that has been drained');
        if (!block) throw new QueueEmpty('the queue is empty; use a blocking get or retry later');
        w[GET_BLOCKED] = (w[GET_BLOCKED]! + 1) | 0;
        while (w[COUNT] === 0) {
          yield* this.waitFor(this.notEmpty, deadline, () => new QueueEmpty(`get() timed out after ${opts?.timeout} ms: no item arrived`));
          if (w[COUNT] === 0 && w[SHUT_DOWN]) throw new QueueShutDown('get() on a shut-down queue that has been drained');
        }
      }
      const n = Math.min(max, w[COUNT]!);
      const raws: Raw[] = new Array<Raw>(n);
      for (let i = 0; i < n; i++) raws[i] = this.readSlot();
      if (this.notFull.waiters > 0) this.notFull.notify(n);
      return raws;
    } finally {
      this.lock.release();
    }
  }

  /** One wait on `condition` (lock held) within `deadline`; throws `timedOut()` when it passed. */
  private *waitFor(condition: Condition, deadline: number, timedOut: () => Error): Steps<void> {
    const left = remaining(deadline);
    if (left === 0) throw timedOut();
    yield* condition.waitSteps(left === Infinity ? undefined : left);
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
        while (w[COUNT]! > 0) {
          this.readSlot();
          if (w[UNFINISHED]! > 0) w[UNFINISHED] = w[UNFINISHED]! - 1;
        }
        this.allTasksDone.notifyAll();
      }
      this.notEmpty.notifyAll();
      this.notFull.notifyAll();
    } finally {
      this.lock.release();
    }
  }

  /** Writes one item at the tail. Lock held, room checked. */
  private writeSlot(encoded: Raw): void {
    const w = this.i32;
    const tail = w[TAIL]!;
    const at = tail * this.slotBytes;
    if (typeof encoded === 'number') {
      this.slotI32[at >> 2] = Tag.Number;
      this.slotF64[(at >> 3) + 1] = encoded;
    } else {
      this.slotI32[at >> 2] = encoded.tag;
      this.slotI32[(at >> 2) + 1] = encoded.bytes.byteLength;
      if (encoded.bytes.byteLength > 0) this.slotU8.set(encoded.bytes, at + SLOT_HEADER_BYTES);
    }
    if (this.stamps) this.stamps[tail] = epochMs();
    w[TAIL] = tail + 1 === this.capacity ? 0 : tail + 1;
    const count = w[COUNT]! + 1;
    Atomics.store(w, COUNT, count);
    if (count > w[HIGH_WATER]!) w[HIGH_WATER] = count;
    w[PUT_TOTAL] = (w[PUT_TOTAL]! + 1) | 0;
    w[UNFINISHED] = w[UNFINISHED]! + 1;
  }

  /** Takes the item at the head, copying its bytes out. Lock held, count checked. */
  private readSlot(): Raw {
    const w = this.i32;
    const head = w[HEAD]!;
    const at = head * this.slotBytes;
    const tag = this.slotI32[at >> 2] as Tag;
    let raw: Raw;
    if (tag === Tag.Number) raw = this.slotF64[(at >> 3) + 1]!;
    else {
      const start = at + SLOT_HEADER_BYTES;
      raw = { tag, bytes: this.slotU8.slice(start, start + this.slotI32[(at >> 2) + 1]!) };
    }
    if (this.stamps) this.lastItemAgeMs = epochMs() - this.stamps[head]!;
    w[HEAD] = head + 1 === this.capacity ? 0 : head + 1;
    Atomics.store(w, COUNT, w[COUNT]! - 1);
    w[GOT_TOTAL] = (w[GOT_TOTAL]! + 1) | 0;
    return raw;
  }

  private decode(raw: Raw): T {
    return (typeof raw === 'number' ? raw : decodeItem(raw.tag, raw.bytes)) as T;
  }
}

function withCount<E extends QueueFull | QueueShutDown>(error: E, putCount: number): E {
  error.putCount = putCount;
  return error;
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${String(max)}`);
}

registerReviver<QueueHandle>('BoundedQueue', BoundedQueue.from);
