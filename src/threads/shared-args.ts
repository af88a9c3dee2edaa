/**
 * Arguments to a thread or task are structured-cloned. A shared primitive (Lock, queue, ...) is a
 * class instance and would arrive as a plain object, so it travels as its handle, marked, and is
 * revived on the other side: `args: [lock]` just works.
 */
import { SharedObject } from '../sync/shared-object.js';
import { revive } from '../revive.js';
import type { SharedHandle } from '../sync/shared-object.js';

const MARK = '__pipelineTuiShared';

export function packArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (arg instanceof SharedObject ? { [MARK]: arg.handle } : arg));
}

export function unpackArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (arg && typeof arg === 'object' && MARK in arg ? revive((arg as Record<string, SharedHandle>)[MARK]!) : arg));
}
