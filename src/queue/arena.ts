/**
 * The overflow area: where the bytes of items too large for a slot wait, a byte ring beside the
 * slot ring. The slot of such an item holds only its kind and length; its bytes sit here.
 *
 * Why a FIFO byte ring, and no addresses. Putters write overflow bytes under the put lock, in the
 * order their slots are published, and getters read them under the get lock in the order the
 * slots are taken; so the next overflow item's bytes always start at ARENA_HEAD, as the next
 * slot's item starts at HEAD. Allocating is advancing ARENA_TAIL, freeing is advancing
 * ARENA_HEAD; there is no free list, no fragmentation and nothing to leak.
 *
 * Memory. The area is a growable SharedArrayBuffer of its own (growing it keeps every worker's
 * view, unlike a new buffer, which would have to be posted to each of them). It starts at 0 bytes,
 * so a queue of small items pays only for the address space it reserves, and grows — a power of
 * two, at least MIN_GROWTH and four times the item — the first time an item does not fit it even
 * empty. It grows only while empty (the mapping from position to byte changes with the size), and
 * never past its `maxByteLength`, the power of two at or above the queue's `overflowBytes`: an item
 * larger than that is refused before it is put (ItemTooLargeError). It never shrinks: a queue that
 * once carried a 100 MB item keeps 100 MB or more of memory for its life.
 *
 * Words (in the queue's header, layout.ts): ARENA_TAIL, bytes ever written, and ARENA_HEAD, bytes
 * ever read or dropped (both wrap at 2^32, a multiple of every size); ARENA_HEAD_SEEN, the putters'
 * cached ARENA_HEAD (as HEAD_SEEN in ring.ts); ARENA_SIZE and ARENA_BASE, the size and the
 * position where that size took effect: the byte of position p is (p - ARENA_BASE) mod ARENA_SIZE.
 *
 * Invariants, as ring.ts states them for the slots:
 *   A1 0 <= ARENA_TAIL - ARENA_HEAD <= ARENA_SIZE: the bytes from ARENA_HEAD to ARENA_TAIL belong to
 *      overflow items in the slots from HEAD to TAIL, in order, and to no other items.
 *   A2 Putters write ARENA_TAIL, ARENA_HEAD_SEEN, ARENA_SIZE, ARENA_BASE and the free bytes under the
 *      put lock, before the TAIL store that publishes the item; getters read the bytes and then
 *      store ARENA_HEAD, under the get lock, before the HEAD store that frees the slot. So a getter
 *      that loaded TAIL sees the bytes and the size they were written with, and a putter never
 *      overwrites bytes a getter has yet to copy.
 *   A3 The size changes only while the area is empty (ARENA_HEAD = ARENA_TAIL): no item written
 *      with the old size is still to be read.
 * A putter that finds no room waits as for a full ring (the getter's HEAD store and wake follow its
 * ARENA_HEAD store), and {@link couldFit} is what it watches.
 */
import { ARENA_BASE, ARENA_HEAD, ARENA_HEAD_SEEN, ARENA_SIZE, ARENA_TAIL } from './layout.js';

/** The smallest size the area grows to: room for many records of a few kilobytes. */
const MIN_GROWTH = 1 << 20;

export class Arena {
  /**
   * A view of the area's current size, made again when the size changes (in any worker). Not a
   * length-tracking view: V8 copies out of those byte by byte (measured: slice of 64 KiB, 240 µs
   * against 19 µs for a fixed-length view).
   */
  private view: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly w: Int32Array,
    readonly buffer: SharedArrayBuffer,
  ) {}

  /** A new, empty area for items of up to `limit` bytes. */
  static buffer(limit: number): SharedArrayBuffer {
    return new SharedArrayBuffer(0, { maxByteLength: ceilPow2(limit) });
  }

  // --- putting (put lock held) -----------------------------------------------------------------

  /**
   * Whether `n` bytes fit now; if the area is empty and smaller than `n`, grows it first (prepare
   * checked `n` against the limit). False: the putter waits for getters to free bytes.
   */
  reserveHeld(n: number): boolean {
    const w = this.w;
    const tail = w[ARENA_TAIL]!;
    const size = w[ARENA_SIZE]!;
    if (size - ((tail - w[ARENA_HEAD_SEEN]!) >>> 0) >= n) return true;
    const head = Atomics.load(w, ARENA_HEAD);
    w[ARENA_HEAD_SEEN] = head;
    const used = (tail - head) >>> 0;
    if (size - used >= n) return true;
    if (n <= size || used !== 0) return false;
    const grown = Math.min(this.buffer.maxByteLength, ceilPow2(Math.max(MIN_GROWTH, 4 * n)));
    this.buffer.grow(grown);
    Atomics.store(w, ARENA_BASE, tail);
    Atomics.store(w, ARENA_SIZE, grown);
    return true;
  }

  /** Appends `data` (reserveHeld said it fits), wrapping around the end of the area if it must. */
  writeHeld(data: Uint8Array): void {
    const w = this.w;
    const tail = w[ARENA_TAIL]!;
    const size = w[ARENA_SIZE]!;
    const at = ((tail - w[ARENA_BASE]!) >>> 0) & (size - 1);
    const first = size - at;
    const bytes = this.bytesOf(size);
    if (data.byteLength <= first) bytes.set(data, at);
    else {
      bytes.set(data.subarray(0, first), at);
      bytes.set(data.subarray(first), 0);
    }
    Atomics.store(w, ARENA_TAIL, (tail + data.byteLength) | 0);
  }

  // --- taking (get lock held) -------------------------------------------------------------------

  /** Copies out the next item's `n` bytes and frees them for putters. */
  readHeld(n: number): Uint8Array {
    const w = this.w;
    const head = w[ARENA_HEAD]!;
    const size = Atomics.load(w, ARENA_SIZE);
    const at = ((head - Atomics.load(w, ARENA_BASE)) >>> 0) & (size - 1);
    const bytes = this.bytesOf(size);
    // A Buffer (from Node's pool when small) rather than slice: cheaper to allocate, and decoded as one.
    const out = Buffer.allocUnsafe(n);
    if (at + n <= size) out.set(bytes.subarray(at, at + n));
    else {
      out.set(bytes.subarray(at, size));
      out.set(bytes.subarray(0, n - (size - at)), size - at);
    }
    Atomics.store(w, ARENA_HEAD, (head + n) | 0);
    return out;
  }

  /** Frees every byte (an immediate shutdown dropped every item; no put can add any now). */
  dropAllHeld(): void {
    Atomics.store(this.w, ARENA_HEAD, Atomics.load(this.w, ARENA_TAIL));
  }

  // --- waiting (no lock) ------------------------------------------------------------------------

  /** Whether a put of `n` bytes would find room now (or an empty area it may grow). */
  couldFit(n: number): boolean {
    const w = this.w;
    const size = Atomics.load(w, ARENA_SIZE);
    const used = (Atomics.load(w, ARENA_TAIL) - Atomics.load(w, ARENA_HEAD)) >>> 0;
    return size - used >= n || (used === 0 && n > size);
  }

  /** The view of the area's first `size` bytes (the buffer holds at least that many: A2). */
  private bytesOf(size: number): Uint8Array {
    if (this.view.length !== size) this.view = new Uint8Array(this.buffer, 0, size);
    return this.view;
  }

  /** Bytes the area holds now (it never shrinks). */
  get size(): number {
    return Atomics.load(this.w, ARENA_SIZE);
  }
}

/** The smallest power of two at or above `n` (n >= 1). */
function ceilPow2(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}
