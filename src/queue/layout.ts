/**
 * Where everything of a BoundedQueue lives inside its one SharedArrayBuffer.
 *
 * Bytes from the queue's byteOffset (every region 8-aligned, hot and cold data on separate
 * 64-byte cache lines, so a put or get touches one header line plus the slot it uses):
 *
 *       0  line 0, the hot line: Int32 words written on every put/get, under the lock
 *            word 0 tag 'QEUE'   word 1 COUNT
 *            bytes 8..31 the Lock (tag, state, holder, acquisitions, contended)
 *            words 8..15 HEAD, TAIL, UNFINISHED, SHUT_DOWN, GETTERS, PUTTERS, PUT_LO, GOT_LO
 *      64  line 1, cold words: PUT_HI, GOT_HI, HIGH_WATER, PUT_BLOCKED, GET_BLOCKED, DROPPED,
 *            CAPACITY, SLOT_BYTES, FLAGS (the shape, for `from(handle)`)
 *     128  line 2: the Conditions notEmpty, notFull, allTasksDone (16 bytes each); touched
 *            only when someone waits
 *     192  [stamps: one Float64 per slot, when each item was put — only with `stampItems`]
 *          slot headers: one 8-byte word per slot (the number itself, or a boxed tag + length)
 *          slot payloads: capacity × (slotBytes - 8) bytes (see slots.ts)
 *
 * GETTERS/PUTTERS count the threads waiting in get/put, so the hot path can skip notify
 * without reading the Conditions' own line. PUT/GOT totals are two words each (exact to 2^53);
 * the other counters wrap at 2^32.
 */

import { Condition } from '../sync/condition.js';
import { Lock } from '../sync/lock.js';

// Int32 word indices into the queue's memory.
export const COUNT = 1;
export const HEAD = 8;
export const TAIL = 9;
export const UNFINISHED = 10;
export const SHUT_DOWN = 11;
export const GETTERS = 12;
export const PUTTERS = 13;
export const PUT_LO = 14;
export const GOT_LO = 15;
export const PUT_HI = 16;
export const GOT_HI = 17;
export const HIGH_WATER = 18;
export const PUT_BLOCKED = 19;
export const GET_BLOCKED = 20;
export const DROPPED = 21;
export const CAPACITY = 22;
export const SLOT_BYTES = 23;
export const FLAGS = 24;
export const HEADER_WORDS = 25;

export const FLAG_STAMPS = 1;

// Byte offsets of the parts.
export const LOCK_AT = 8;
export const NOT_EMPTY_AT = 128;
export const NOT_FULL_AT = NOT_EMPTY_AT + Condition.BYTES;
export const ALL_DONE_AT = NOT_FULL_AT + Condition.BYTES;
export const STAMPS_AT = 192;

/** Each slot's header word (a Float64); the rest of `slotBytes` is its payload. */
export const SLOT_HEADER_BYTES = 8;
export const DEFAULT_SLOT_BYTES = 256;
export const MAX_CAPACITY = 1 << 24;

if (LOCK_AT + Lock.BYTES > HEAD * 4 || ALL_DONE_AT + Condition.BYTES > STAMPS_AT) {
  throw new Error('queue layout: the Lock or the Conditions outgrew their place; update layout.ts');
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
export function checkShape(capacity: number, slotBytes: number): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new RangeError(`capacity must be an integer from 1 to ${MAX_CAPACITY}, got ${String(capacity)}`);
  }
  if (!Number.isInteger(slotBytes) || slotBytes < 16 || slotBytes % 8 !== 0) {
    throw new RangeError(
      `slotBytes must be a multiple of 8 and at least 16 (8 of them are the slot's header), got ${String(slotBytes)}`,
    );
  }
}
