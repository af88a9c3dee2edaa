/**
 * The ring's storage: writing an item into slot i and reading it back — CPython's `_put`/`_get`
 * storage hooks, called only with the queue's lock held.
 *
 * A slot is an 8-byte header word plus `slotBytes - 8` payload bytes. Headers sit side by side
 * (8 to a cache line) and payloads in their own area, so a stream of numbers never touches the
 * payload area and a consumer pulls one cache line per 8 numbers.
 *
 * The header word, read as a Float64:
 *   - not NaN: the item is that number (-0, ±Infinity included, bit for bit);
 *   - the canonical quiet NaN 0x7FF80000_00000000: the item is NaN (every NaN put is written as
 *     this pattern, whatever bits it had);
 *   - any other NaN is a box: high Int32 = 0x7FF40000 | tag (a signalling-NaN pattern that no
 *     number stored here has), low Int32 = payload length in bytes.
 * Tags: ASCII string, UTF-8 string, structured clone, true, false, null, undefined, SENTINEL,
 * JSON text (UTF-8; plain data, see item-codec.ts), and OVERFLOW | one of the byte kinds (ASCII,
 * UTF-8, clone, JSON): an item too large for a slot, whose `length` bytes are the next ones of the
 * overflow area (arena.ts).
 * An ASCII string is one whose UTF-8 length equals its length; it decodes as latin1, which is
 * cheaper than UTF-8.
 */
import type { Arena } from './arena.js';
import { JsonText, Overflow, type OverflowKind, type Prepared, Serialized } from './item-codec.js';
import { type Shape, SLOT_HEADER_BYTES } from './layout.js';
import { SENTINEL } from './sentinel.js';

const Tag = { Ascii: 1, Utf8: 2, Cloned: 3, True: 4, False: 5, Null: 6, Undefined: 7, Sentinel: 8, Json: 9 } as const;
/** Or'ed into the tag of an item whose bytes are in the overflow area. */
const OVERFLOW = 0x10;
const OVERFLOW_TAG: Record<OverflowKind, number> = {
  ascii: OVERFLOW | Tag.Ascii,
  utf8: OVERFLOW | Tag.Utf8,
  clone: OVERFLOW | Tag.Cloned,
  json: OVERFLOW | Tag.Json,
};

const BOX = 0x7ff40000;
const BOX_MASK = 0xffff0000 | 0;
const NAN_HIGH = 0x7ff80000;
/** Which Int32 of a Float64 holds its sign and exponent on this machine. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

export class Slots {
  private readonly numbers: Float64Array;
  private readonly words: Int32Array;
  private readonly payloads: Buffer;
  private readonly payloadBytes: number;

  constructor(
    buffer: SharedArrayBuffer,
    headersAt: number,
    payloadsAt: number,
    { capacity, slotBytes }: Shape,
    /** Where the bytes of items too large for a slot go (none: prepare refuses such items). */
    private readonly arena: Arena | undefined,
  ) {
    this.numbers = new Float64Array(buffer, headersAt, capacity);
    this.words = new Int32Array(buffer, headersAt, capacity * 2);
    this.payloadBytes = slotBytes - SLOT_HEADER_BYTES;
    this.payloads = Buffer.from(buffer, payloadsAt, capacity * this.payloadBytes);
  }

  /** Stores a prepared item in slot `i` (it fits: `prepare` checked; an Overflow's bytes: Arena.reserveHeld). */
  write(i: number, item: Prepared): void {
    if (typeof item === 'number') {
      // biome-ignore lint/suspicious/noSelfCompare: false only for NaN, the cheapest test on the hot path
      if (item === item) this.numbers[i] = item;
      else this.box(i, NAN_HIGH, 0);
    } else if (typeof item === 'string') {
      const bytes = this.payloads.write(item, i * this.payloadBytes, this.payloadBytes, 'utf8');
      this.box(i, BOX | (bytes === item.length ? Tag.Ascii : Tag.Utf8), bytes);
    } else if (item instanceof JsonText) {
      const bytes = this.payloads.write(item.text, i * this.payloadBytes, this.payloadBytes, 'utf8');
      this.box(i, BOX | Tag.Json, bytes);
    } else if (item instanceof Serialized) {
      this.payloads.set(item.bytes, i * this.payloadBytes);
      this.box(i, BOX | Tag.Cloned, item.bytes.byteLength);
    } else if (item instanceof Overflow) {
      this.arena!.writeHeld(item.bytes);
      this.box(i, BOX | OVERFLOW_TAG[item.kind], item.bytes.byteLength);
    } else {
      this.box(i, BOX | tagOf(item), 0);
    }
  }

  /**
   * Reads slot `i`. Numbers, strings and tag-only values come back as they are; a structured
   * clone comes back as a Serialized copy of its bytes, JSON as a JsonText and an overflow item as
   * an Overflow copied out of the area, for `finish` to decode after the lock.
   */
  read(i: number): unknown {
    const n = this.numbers[i]!;
    // biome-ignore lint/suspicious/noSelfCompare: false only for NaN (a boxed item), the cheapest test on the hot path
    if (n === n) return n;
    const high = this.words[2 * i + HIGH]!;
    if (high === NAN_HIGH) return NaN;
    if ((high & BOX_MASK) !== BOX) throw corrupt(i, high);
    const length = this.words[2 * i + LOW]!;
    const start = i * this.payloadBytes;
    switch (high & 0xffff) {
      case Tag.Ascii:
        return this.payloads.toString('latin1', start, start + length);
      case Tag.Utf8:
        return this.payloads.toString('utf8', start, start + length);
      case Tag.Json:
        return new JsonText(this.payloads.toString('utf8', start, start + length));
      case Tag.Cloned:
        return new Serialized(new Uint8Array(this.payloads.subarray(start, start + length)));
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.Null:
        return null;
      case Tag.Undefined:
        return undefined;
      case Tag.Sentinel:
        return SENTINEL;
      case OVERFLOW_TAG.ascii:
        return new Overflow('ascii', this.arena!.readHeld(length));
      case OVERFLOW_TAG.utf8:
        return new Overflow('utf8', this.arena!.readHeld(length));
      case OVERFLOW_TAG.clone:
        return new Overflow('clone', this.arena!.readHeld(length));
      case OVERFLOW_TAG.json:
        return new Overflow('json', this.arena!.readHeld(length));
      default:
        throw corrupt(i, high);
    }
  }

  private box(i: number, high: number, low: number): void {
    this.words[2 * i + HIGH] = high;
    this.words[2 * i + LOW] = low;
  }
}

function tagOf(item: boolean | symbol | null | undefined): number {
  if (item === true) return Tag.True;
  if (item === false) return Tag.False;
  if (item === null) return Tag.Null;
  if (item === undefined) return Tag.Undefined;
  if (item === SENTINEL) return Tag.Sentinel;
  throw new TypeError(`cannot store ${String(item)} in a queue slot`);
}

function corrupt(i: number, high: number): Error {
  return new Error(
    `corrupt queue slot ${i} (header 0x${(high >>> 0).toString(16)}): ` +
      "the queue's memory was overwritten by something else",
  );
}
