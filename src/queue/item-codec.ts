/**
 * How items are laid into fixed-size slots.
 *
 * A slot is   Int32 tag | Int32 payload length | payload (slotBytes - 8 bytes, 8-aligned).
 * Numbers take the fast path: the float64 goes straight into the payload, no encoding object at
 * all. Strings are UTF-8. Booleans, null, undefined and the SENTINEL are a tag alone. Anything else
 * goes through `v8.serialize` — the structured clone that postMessage uses — so whatever a worker
 * can post, it can put.
 *
 * Encoding happens before the queue's lock is taken (a too-large item throws without touching the
 * queue); decoding happens after it is released (the lock is held only to copy bytes).
 */
import { deserialize, serialize } from 'node:v8';
import { ItemTooLargeError } from './errors.js';
import { SENTINEL } from './sentinel.js';

export const SLOT_HEADER_BYTES = 8;

export const Tag = {
  Number: 1,
  String: 2,
  True: 3,
  False: 4,
  Null: 5,
  Undefined: 6,
  Sentinel: 7,
  Cloned: 8,
} as const;
export type Tag = (typeof Tag)[keyof typeof Tag];

/** An encoded non-number item: its tag and payload bytes (empty for tag-only values). */
export interface Encoded {
  tag: Tag;
  bytes: Uint8Array;
}

const NONE = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes `item` for a slot with `payloadBytes` of room; numbers are returned as they are. */
export function encodeItem(item: unknown, payloadBytes: number): number | Encoded {
  switch (typeof item) {
    case 'number':
      return item;
    case 'string': {
      const bytes = encoder.encode(item);
      return fits({ tag: Tag.String, bytes }, payloadBytes);
    }
    case 'boolean':
      return { tag: item ? Tag.True : Tag.False, bytes: NONE };
    case 'undefined':
      return { tag: Tag.Undefined, bytes: NONE };
    case 'symbol':
      if (item === SENTINEL) return { tag: Tag.Sentinel, bytes: NONE };
      break;
    default:
      if (item === null) return { tag: Tag.Null, bytes: NONE };
  }
  return fits({ tag: Tag.Cloned, bytes: serialize(item) }, payloadBytes);
}

function fits(encoded: Encoded, payloadBytes: number): Encoded {
  if (encoded.bytes.byteLength > payloadBytes) throw new ItemTooLargeError(encoded.bytes.byteLength, payloadBytes);
  return encoded;
}

/** Rebuilds an item from its tag and a private copy of its payload. */
export function decodeItem(tag: Tag, bytes: Uint8Array): unknown {
  switch (tag) {
    case Tag.String:
      return decoder.decode(bytes);
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
    case Tag.Cloned:
      return deserialize(bytes);
    default:
      throw new Error(`corrupt queue slot: unknown tag ${tag as number}`);
  }
}
