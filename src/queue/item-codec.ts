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
 * by `finish` after the lock is released (the lock is held only to copy bytes).
 *
 * An item whose encoding (UTF-8, JSON text or structured-clone bytes) does not fit a slot's payload
 * becomes an Overflow: its bytes, encoded here, go to the queue's overflow area (arena.ts) and come
 * back as an Overflow copied out of it, decoded by `finish`. Only an item larger than the queue's
 * `overflowBytes` is refused (ItemTooLargeError), before the queue is touched.
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

/** How an Overflow's bytes decode: as a string (latin1 when it is ASCII), JSON, or a structured clone. */
export type OverflowKind = 'ascii' | 'utf8' | 'json' | 'clone';

/** The encoded bytes of an item too large for a slot, bound for (or copied out of) the overflow area. */
export class Overflow {
  constructor(
    readonly kind: OverflowKind,
    readonly bytes: Uint8Array,
  ) {}

  decode(): unknown {
    const b = this.bytes;
    switch (this.kind) {
      case 'clone':
        return deserialize(b);
      case 'json':
        return JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
      default:
        return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(this.kind === 'ascii' ? 'latin1' : 'utf8');
    }
  }
}

/** An item ready for a slot: a primitive stored as it is, JSON text, serialized bytes, or an Overflow. */
export type Prepared = number | string | boolean | symbol | null | undefined | Serialized | JsonText | Overflow;

/** The room an item has: a slot's payload, and the largest item the overflow area takes (0: none). */
export interface Room {
  readonly payloadBytes: number;
  readonly overflowBytes: number;
  /** Plain data past this many characters goes as a structured clone (default JSON_MAX_CHARS). */
  readonly jsonMaxChars?: number;
}

/**
 * Makes `item` ready for a slot (numbers and other primitives come back unchanged), or for the
 * overflow area if its encoding does not fit a slot. @throws ItemTooLargeError if it fits neither.
 */
export function prepare(item: unknown, room: Room): Prepared {
  switch (typeof item) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return item;
    case 'string':
      if (!item.isWellFormed()) return serialized(item, room);
      // UTF-8 needs at most 3 bytes per UTF-16 unit, so short strings need no measuring.
      if (item.length * 3 > room.payloadBytes && Buffer.byteLength(item, 'utf8') > room.payloadBytes)
        return overflowText(item, 'string', room);
      return item;
    case 'symbol':
      if (item === SENTINEL) return item;
      throw new TypeError(
        `cannot put ${String(item)}: a symbol cannot be cloned to another thread (only SENTINEL can be put)`,
      );
    default: {
      if (item === null) return null;
      // Plain data of at most JSON_MAX_CHARS goes as JSON; larger, JSON costs more than the clone.
      const jsonMax = room.jsonMaxChars ?? JSON_MAX_CHARS;
      const chars = jsonChars(item, 0, 0, jsonMax);
      if (chars !== NOT_JSON && chars <= jsonMax) {
        const text = JSON.stringify(item);
        // UTF-8 needs at most 3 bytes per UTF-16 unit (JSON escapes lone surrogates as ASCII).
        if (text.length * 3 <= room.payloadBytes || Buffer.byteLength(text, 'utf8') <= room.payloadBytes)
          return new JsonText(text);
        if (room.overflowBytes > 0) return overflowText(text, 'json', room);
      }
      return serialized(item, room);
    }
  }
}

/** Deepest nesting sent as JSON; deeper (or cyclic) values take the structured clone. */
const MAX_JSON_DEPTH = 16;
/**
 * The largest plain data sent as JSON (characters of its strings and keys, about its JSON's
 * length). JSON is 3-4× faster than v8.serialize/deserialize for small objects, but it scans and
 * escapes every character: a record with a 64 KiB string took 320-540 µs to stringify and parse
 * against 20-180 µs to serialize and deserialize (both measured here, on a loaded machine).
 */
const JSON_MAX_CHARS = 4096;
/** What jsonChars returns for a value JSON would not give back exactly (or past the limit). */
const NOT_JSON = Infinity;

/**
 * About how many characters the JSON of `value` has (a lower bound: strings and keys, without
 * escapes), counting on from `chars` — or NOT_JSON as soon as that passes `max`, or if
 * JSON.parse(JSON.stringify(value)) is not exactly the structured clone of `value`. It is exact
 * for plain objects (prototype Object.prototype) and dense arrays with no extra properties, all
 * the way down, holding only strings, booleans, null and finite numbers other than -0. Anything
 * else — undefined, -0, NaN, ±Infinity, Dates, Maps, typed arrays, class instances, holes,
 * cycles — is changed or refused by JSON, and takes the structured clone instead.
 */
function jsonChars(value: unknown, depth: number, chars: number, max: number): number {
  switch (typeof value) {
    case 'string':
      return chars + value.length + 2 > max ? NOT_JSON : chars + value.length + 2;
    case 'boolean':
      return chars + 5;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? chars + 1 : NOT_JSON;
    case 'object': {
      if (value === null) return chars + 4;
      if (depth >= MAX_JSON_DEPTH) return NOT_JSON;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_JSON;
        const n = value.length;
        for (let i = 0; i < n && chars <= max; i++)
          chars = i in value ? jsonChars(value[i], depth + 1, chars + 1, max) : NOT_JSON;
        return Object.keys(value).length === n ? chars : NOT_JSON;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_JSON;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) return NOT_JSON; // an enumerable inherited key: not plain
        chars = jsonChars((value as Record<string, unknown>)[key], depth + 1, chars + key.length + 4, max);
        if (chars > max) return NOT_JSON;
      }
      return chars;
    }
    default:
      return NOT_JSON;
  }
}

/** Prepares every item before any is put, so a too-large one throws before the queue changes. */
export function prepareAll(items: Iterable<unknown>, room: Room): Prepared[] {
  const list = Array.isArray(items) ? items : Array.from(items);
  let out: Prepared[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const p = prepare(item, room);
    if (p !== item && out === undefined) out = list.slice(0, i) as Prepared[];
    if (out !== undefined) out.push(p);
  }
  return out ?? (list as Prepared[]);
}

/** Turns what a slot read returned into the item: decodes JSON, structured-clone and overflow bytes. */
export function finish(x: unknown): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (x instanceof JsonText) return JSON.parse(x.text);
  if (x instanceof Serialized) return deserialize(x.bytes);
  return x instanceof Overflow ? x.decode() : x;
}

/** Finishes, in place, the items of a batch read. */
export function finishAll(xs: unknown[]): unknown[] {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x === 'object' && x !== null) xs[i] = finish(x);
  }
  return xs;
}

function serialized(item: unknown, room: Room): Serialized | Overflow {
  const bytes = serialize(item);
  if (bytes.byteLength <= room.payloadBytes) return new Serialized(bytes);
  return overflow('clone', bytes, room);
}

/** A string (or JSON text) too long for a slot, encoded for the overflow area. */
function overflowText(text: string, what: 'string' | 'json', room: Room): Overflow {
  const bytes = Buffer.from(text, 'utf8');
  const kind = what === 'json' ? 'json' : bytes.byteLength === text.length ? 'ascii' : 'utf8';
  return overflow(kind, bytes, room);
}

function overflow(kind: OverflowKind, bytes: Uint8Array, room: Room): Overflow {
  if (bytes.byteLength > room.overflowBytes)
    throw new ItemTooLargeError(bytes.byteLength, room.payloadBytes + SLOT_HEADER_BYTES, room.overflowBytes);
  return new Overflow(kind, bytes);
}
