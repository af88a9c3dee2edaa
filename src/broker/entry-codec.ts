/**
 * Items as stream entry fields. An entry is `t <put time, epoch ms> k <kind> v <value>`, with the
 * kinds chosen by the shared-memory queue's codec (item-codec.ts), so both queues carry exactly
 * the same items: numbers and strings as they are, plain data as JSON, anything else structured
 * clone can carry as v8.serialize bytes in base64, and the SENTINEL as a kind of its own.
 */
import { deserialize } from 'node:v8';
import { JsonText, prepare, Serialized } from '../queue/item-codec.js';
import { SENTINEL } from '../queue/sentinel.js';

/** Entry kinds: n number, s string, j JSON, b structured clone (base64), u undefined, S sentinel. */
type Kind = 'n' | 's' | 'j' | 'b' | 'u' | 'S';

/** `[kind, value]` for one item. @throws TypeError for what cannot cross (functions, symbols). */
export function encodeItem(item: unknown): [Kind, string] {
  // No slot to fit, and plain data of any size as JSON text (readable in the stream).
  const prepared = prepare(item, { payloadBytes: Number.MAX_SAFE_INTEGER, overflowBytes: 0, jsonMaxChars: Infinity });
  switch (typeof prepared) {
    case 'number':
      return ['n', Object.is(prepared, -0) ? '-0' : String(prepared)];
    case 'string':
      return ['s', prepared];
    case 'boolean':
      return ['j', String(prepared)];
    case 'undefined':
      return ['u', ''];
    case 'symbol':
      return ['S', ''];
    default:
      if (prepared === null) return ['j', 'null'];
      if (prepared instanceof JsonText) return ['j', prepared.text];
      if (prepared instanceof Serialized) return ['b', Buffer.from(prepared.bytes).toString('base64')];
      throw new TypeError(`cannot encode ${String(item)} for the broker`);
  }
}

export function decodeItem(kind: string, value: string): unknown {
  switch (kind) {
    case 'n':
      return Number(value);
    case 's':
      return value;
    case 'j':
      return JSON.parse(value);
    case 'u':
      return undefined;
    case 'S':
      return SENTINEL;
    case 'b':
      return deserialize(Buffer.from(value, 'base64'));
    default:
      throw new Error(`a stream entry of unknown kind "${kind}" (not written by pipeline-tui?)`);
  }
}
