/**
 * The sentinel: a value no producer can make by accident, that tells a consumer "no more items".
 * It travels through the queue like an item (everything queued before it is taken first) and
 * comes out of `get` as this same symbol in every worker, so `item === SENTINEL` works anywhere.
 * Python code uses `object()` for this; across workers we need a value the codec knows.
 */
export const SENTINEL: unique symbol = Symbol.for('pipeline-tui.sentinel') as never;
export type Sentinel = typeof SENTINEL;
