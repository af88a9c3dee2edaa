/**
 * Items on their way into and out of the queue's slots — the part done *outside* the lock.
 *
 * `prepare` runs before a put takes the lock: it checks that the item fits a slot (so a too-large
 * item throws ItemTooLargeError and the queue is untouched) and serializes what needs it. What it
 * returns is written into a slot under the lock by slots.ts:
 *
 *   number                       itself: stored as the slot's Float64 header, no encoding at all
 *   string                       itself, once its UTF-8 length is known to fit; written straight
 *                                into the slot (Buffer#write) — faster than TextEncoder plus a copy
 *   true/false/null/undefined/SENTINEL   itself: a tag alone
 *   anything else                a Serialized: `v8.serialize` bytes (the structured clone that
 *                                postMessage uses, so whatever a worker can post, it can put)
 *
 * Strings with lone surrogates are not valid UTF-8, so they take the structured-clone path too,
 * which keeps them exact. On the way out, a Serialized copied from a slot is deserialized by
 * `finish` after the lock is released (the lock is held only to copy bytes).
 */
import { deserialize, serialize } from 'node:v8';
import { ItemTooLargeError } from './errors.js';
import { SLOT_HEADER_BYTES } from './layout.js';
import { SENTINEL } from './sentinel.js';

/** Structured-clone bytes of one item (on the way in, or copied out of a slot on the way out). */
export class Serialized {
  constructor(readonly bytes: Uint8Array) {}
}

/** An item ready for a slot: a primitive stored as it is, or serialized bytes. */
export type Prepared = number | string | boolean | symbol | null | undefined | Serialized;

/**
 * Makes `item` ready for a slot with `payloadBytes` of room (numbers and other primitives come
 * back unchanged). @throws ItemTooLargeError if it cannot fit.
 */
export function prepare(item: unknown, payloadBytes: number): Prepared {
  switch (typeof item) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return item;
    case 'string':
      if (!item.isWellFormed()) return serialized(item, payloadBytes);
      // UTF-8 needs at most 3 bytes per UTF-16 unit, so short strings need no measuring.
      if (item.length * 3 > payloadBytes) {
        const bytes = Buffer.byteLength(item, 'utf8');
        if (bytes > payloadBytes) throw new ItemTooLargeError(bytes, payloadBytes + SLOT_HEADER_BYTES);
      }
      return item;
    case 'symbol':
      if (item === SENTINEL) return item;
      throw new TypeError(`cannot put ${String(item)}: a symbol cannot be cloned to another thread (only SENTINEL can be put)`);
    default:
      return item === null ? null : serialized(item, payloadBytes);
  }
}

/** Prepares every item before any is put, so a too-large one throws before the queue changes. */
export function prepareAll(items: Iterable<unknown>, payloadBytes: number): Prepared[] {
  const list = Array.isArray(items) ? items : Array.from(items);
  let out: Prepared[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const p = prepare(item, payloadBytes);
    if (p !== item && out === undefined) out = list.slice(0, i) as Prepared[];
    if (out !== undefined) out.push(p);
  }
  return out ?? (list as Prepared[]);
}

/** Turns what a slot read returned into the item: deserializes structured-clone bytes. */
export function finish(x: unknown): unknown {
  return x instanceof Serialized ? deserialize(x.bytes) : x;
}

/** Finishes, in place, the items of a batch read. */
export function finishAll(xs: unknown[]): unknown[] {
  for (let i = 0; i < xs.length; i++) if (xs[i] instanceof Serialized) xs[i] = deserialize((xs[i] as Serialized).bytes);
  return xs;
}

function serialized(item: unknown, payloadBytes: number): Serialized {
  const bytes = serialize(item);
  if (bytes.byteLength > payloadBytes) throw new ItemTooLargeError(bytes.byteLength, payloadBytes + SLOT_HEADER_BYTES);
  return new Serialized(bytes);
}
