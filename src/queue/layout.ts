/**
 * Where everything of a BoundedQueue lives inside its one SharedArrayBuffer.
 *
 * Bytes from the queue's byteOffset (every region 8-aligned; each side's words on a 64-byte cache
 * line of its own, so a put touches the producers' line and a get the consumers' line, and the
 * lines cross between cores only when one side must look at the other's — see ring.ts):
 *
 *       0  line 0, the producers' line (written by putters only, under the put lock but for
 *          PUT_BLOCKED):
 *            word 0 tag 'QEUE'   word 1 PUT_BLOCKED   bytes 8..31 the put Lock
 *            words 8..15 TAIL, PUT_LO, PUT_HI, HEAD_SEEN, SHUT_DOWN, WAKE_GETTERS, DATA_SEQ,
 *            HIGH_WATER
 *      64  line 1, the consumers' line (the same for getters, under the get lock):
 *            bytes 64..87 the get Lock
 *            words 22..29 HEAD, GOT_LO, GOT_HI, TAIL_SEEN, WAKE_PUTTERS, SPACE_SEQ,
 *            GET_BLOCKED, ARENA_HEAD
 *     128  line 2, tasks: DONE (tasks marked done, dropped ones included: unfinished is
 *            PUT_LO - DONE), JOINERS — written by taskDone, join and shutdown, never by put
 *     192  line 3, cold words: DROPPED, CAPACITY, SLOT_BYTES, FLAGS (the shape, for `from(handle)`);
 *            the overflow area's producer words ARENA_TAIL, ARENA_HEAD_SEEN, ARENA_SIZE, ARENA_BASE,
 *            and its limit OVERFLOW_BYTES
 *            (touched only by items too large for a slot, which cost a copy of a kilobyte or more
 *            anyway; see arena.ts — the area itself is a growable SharedArrayBuffer of its own)
 *     256  [stamps: one Float64 per slot, when each item was put — only with `stampItems`]
 *          slot headers: one 8-byte word per slot (the number itself, or a boxed tag + length)
 *          slot payloads: capacity × (slotBytes - 8) bytes (see slots.ts)
 *
 * The exceptions to "each side writes its own line" are rare by design: WAKE_GETTERS (a getter
 * is about to sleep) and DATA_SEQ sit on the producers' line because a putter reads WAKE_GETTERS
 * on every put (a getter writes it only when it goes to sleep), and WAKE_PUTTERS/SPACE_SEQ on the
 * consumers' line for the same reason;
 * SHUT_DOWN is written once. PUT/GOT totals are two words each (exact to 2^53); the other
 * counters wrap at 2^32 (unfinished tasks, PUT_LO - DONE, are exact below 2^31).
 */

import { Lock } from '../sync/lock.js';

// Int32 word indices into the queue's memory. Line 0: the producers'.
export const PUT_BLOCKED = 1;
export const TAIL = 8;
export const PUT_LO = 9;
export const PUT_HI = 10;
export const HEAD_SEEN = 11;
export const SHUT_DOWN = 12;
export const WAKE_GETTERS = 13;
export const DATA_SEQ = 14;
export const HIGH_WATER = 15;
// Line 1: the consumers'.
export const HEAD = 22;
export const GOT_LO = 23;
export const GOT_HI = 24;
export const TAIL_SEEN = 25;
export const WAKE_PUTTERS = 26;
export const SPACE_SEQ = 27;
export const GET_BLOCKED = 28;
export const ARENA_HEAD = 29;
// Line 2: tasks.
export const DONE = 32;
export const JOINERS = 33;
// Line 3: cold.
export const DROPPED = 48;
export const CAPACITY = 49;
export const SLOT_BYTES = 50;
export const FLAGS = 51;
export const ARENA_TAIL = 52;
export const ARENA_HEAD_SEEN = 53;
export const ARENA_SIZE = 54;
export const ARENA_BASE = 55;
/** The queue's `overflowBytes` (the largest item its overflow area takes), for `from(handle)`. */
export const OVERFLOW_BYTES = 56;
export const HEADER_WORDS = 57;

export const FLAG_STAMPS = 1;
/** The queue has an overflow area (its handle carries the area's buffer). */
export const FLAG_OVERFLOW = 2;

// Byte offsets of the parts.
export const PUT_LOCK_AT = 8;
export const GET_LOCK_AT = 64;
export const STAMPS_AT = 256;

/** Each slot's header word (a Float64); the rest of `slotBytes` is its payload. */
export const SLOT_HEADER_BYTES = 8;
export const DEFAULT_SLOT_BYTES = 256;
export const MAX_CAPACITY = 1 << 24;
/** The largest slot: past this, items go to the overflow area anyway (and few machines have room). */
export const MAX_SLOT_BYTES = 1 << 20;
/** The largest a queue's memory may be (capacity × slot and stamp bytes): V8 refuses much more. */
export const MAX_QUEUE_BYTES = 2 ** 31;
/** The overflow area's default and largest limit, 1 GiB: its size is kept in an Int32 word, a power of two. */
export const MAX_OVERFLOW_BYTES = 1 << 30;

if (PUT_LOCK_AT + Lock.BYTES > TAIL * 4 || GET_LOCK_AT + Lock.BYTES > HEAD * 4) {
  throw new Error('queue layout: a Lock outgrew its place; update layout.ts');
}

/** The shape of one queue: what its memory holds, and where. */
export interface Shape {
  readonly capacity: number;
  readonly slotBytes: number;
  readonly stampItems: boolean;
}

/** Byte offsets (from the queue's byteOffset) of the slot regions of a queue of this shape. */
export function regionsOf({ capacity, slotBytes, stampItems }: Shape): {
  headersAt: number;
  payloadsAt: number;
  bytes: number;
} {
  const headersAt = STAMPS_AT + (stampItems ? capacity * 8 : 0);
  const payloadsAt = headersAt + capacity * SLOT_HEADER_BYTES;
  return { headersAt, payloadsAt, bytes: payloadsAt + capacity * (slotBytes - SLOT_HEADER_BYTES) };
}

/** Validates a shape the user asked for, with messages that say what is accepted. */
export function checkShape(capacity: number, slotBytes: number, stampItems = false): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new RangeError(`capacity must be an integer from 1 to ${MAX_CAPACITY}, got ${String(capacity)}`);
  }
  if (!Number.isInteger(slotBytes) || slotBytes < 16 || slotBytes % 8 !== 0 || slotBytes > MAX_SLOT_BYTES) {
    throw new RangeError(
      `slotBytes must be a multiple of 8 from 16 to ${MAX_SLOT_BYTES} (8 of them are the slot's header; ` +
        `larger items go to the overflow area), got ${String(slotBytes)}`,
    );
  }
  const bytes = regionsOf({ capacity, slotBytes, stampItems }).bytes;
  if (bytes > MAX_QUEUE_BYTES) {
    throw new RangeError(
      `a queue of ${capacity} slots of ${slotBytes} bytes needs ${bytes} bytes, more than the ${MAX_QUEUE_BYTES} ` +
        'a queue may have: use fewer or smaller slots (items larger than a slot go to the overflow area)',
    );
  }
}

/** Validates the overflow area's limit (0: no overflow area), with a message that says what is accepted. */
export function checkOverflowBytes(overflowBytes: number): void {
  if (!Number.isInteger(overflowBytes) || overflowBytes < 0 || overflowBytes > MAX_OVERFLOW_BYTES) {
    throw new RangeError(
      `overflowBytes must be an integer from 0 (no overflow area: every item must fit a slot) to ` +
        `${MAX_OVERFLOW_BYTES} (1 GiB, the default), got ${String(overflowBytes)}`,
    );
  }
}
