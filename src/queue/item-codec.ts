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
 *   plain data (see jsonExact)   a JsonText: its JSON, written into the slot as UTF-8 — JSON's
 *                                encoder and parser are 3-4× faster than v8.serialize/deserialize
 *                                for small objects, and for plain data they give the same copy
 *   anything else                a Serialized: `v8.serialize` bytes (the structured clone that
 *                                postMessage uses, so whatever a worker can post, it can put)
 *
 * Strings with lone surrogates are not valid UTF-8, so they take the structured-clone path too,
 * which keeps them exact. On the way out, a Serialized or JsonText copied from a slot is decoded
 * by `finish` after the lock is released (the lock is held only to copy bytes). An object whose
 * JSON does not fit a slot still gets its chance as structured-clone bytes.
 */
import { deserialize, serialize } from 'node:v8';
import { ItemTooLargeError } from './errors.js';
import { SLOT_HEADER_BYTES } from './layout.js';
import { SENTINEL } from './sentinel.js';

/** Structured-clone bytes of one item (on the way in, or copied out of a slot on the way out). */
export class Serialized {
  constructor(readonly bytes: Uint8Array) {}
}

/** The JSON of an item that {@link jsonExact} accepted (on the way in, or read from a slot). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** An item ready for a slot: a primitive stored as it is, JSON text, or serialized bytes. */
export type Prepared = number | string | boolean | symbol | null | undefined | Serialized | JsonText;

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
      throw new TypeError(
        `cannot put ${String(item)}: a symbol cannot be cloned to another thread (only SENTINEL can be put)`,
      );
    default:
      if (item === null) return null;
      if (jsonExact(item, 0)) {
        const text = JSON.stringify(item);
        // UTF-8 needs at most 3 bytes per UTF-16 unit (JSON escapes lone surrogates as ASCII).
        if (text.length * 3 <= payloadBytes || Buffer.byteLength(text, 'utf8') <= payloadBytes)
          return new JsonText(text);
      }
      return serialized(item, payloadBytes);
  }
}

/** Deepest nesting sent as JSON; deeper (or cyclic) values take the structured clone. */
const MAX_JSON_DEPTH = 16;

/**
 * Whether JSON.parse(JSON.stringify(value)) is exactly the structured clone of `value`: plain
 * objects (prototype Object.prototype) and dense arrays with no extra properties, all the way
 * down, holding only strings, booleans, null and finite numbers other than -0. Anything else —
 * undefined, -0, NaN, ±Infinity, Dates, Maps, typed arrays, class instances, holes, cycles — is
 * changed or refused by JSON, and takes the structured clone instead.
 */
function jsonExact(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_JSON_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        const n = value.length;
        for (let i = 0; i < n; i++) if (!(i in value) || !jsonExact(value[i], depth + 1)) return false;
        return Object.keys(value).length === n;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return false; // an enumerable inherited key: not plain
        if (!jsonExact((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
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
  if (x instanceof JsonText) return JSON.parse(x.text);
  return x instanceof Serialized ? deserialize(x.bytes) : x;
}

/** Finishes, in place, the items of a batch read. */
export function finishAll(xs: unknown[]): unknown[] {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x instanceof JsonText) xs[i] = JSON.parse(x.text);
    else if (x instanceof Serialized) xs[i] = deserialize(x.bytes);
  }
  return xs;
}

function serialized(item: unknown, payloadBytes: number): Serialized {
  const bytes = serialize(item);
  if (bytes.byteLength > payloadBytes) throw new ItemTooLargeError(bytes.byteLength, payloadBytes + SLOT_HEADER_BYTES);
  return new Serialized(bytes);
}
