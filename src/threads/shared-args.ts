/**
 * Arguments to a Thread's target or an executor task are structured-cloned into the worker. A
 * shared primitive (Lock, Event, BoundedQueue, ...) is a class instance and would arrive as a
 * plain object without its methods, so each top-level argument that is a shared object travels as
 * its handle, and each top-level argument that is a handle (`lock.handle`) travels as it is; on
 * the other side both are revived (`revive(handle)`) before the call. So `args: [lock]` and
 * `args: [lock.handle]` both hand the target a working Lock. (A target that calls `revive` itself
 * still works: reviving a Lock gives an equivalent Lock.)
 *
 * Only top-level arguments are converted: a shared object nested inside another argument
 * (`{ lock }`) arrives as a plain object — pass `lock.handle` there and revive it yourself.
 * A handle of a kind that `revive` does not know is passed on untouched.
 */

import { isHandle, revive } from '../revive.js';
import { InvalidHandleError } from '../sync/errors.js';
import type { SharedHandle } from '../sync/shared-object.js';
// Registers the queue's reviver in every worker that receives arguments.
import '../queue/bounded-queue.js';

/** The one key of the wrapper that marks an argument to revive (plain data: it must clone). */
const MARK = '__pipelineTuiShared';

export function packArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (isHandle(arg) ? { [MARK]: handleOf(arg) } : arg));
}

export function unpackArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => (isMarked(arg) ? reviveKnown(arg[MARK]) : arg));
}

/** A shared object's own handle (a Condition's carries its Lock's), or the handle itself. */
function handleOf(arg: SharedHandle): SharedHandle {
  const own = (arg as { handle?: unknown }).handle;
  return isHandle(own) ? own : arg;
}

function isMarked(arg: unknown): arg is { [MARK]: SharedHandle } {
  return typeof arg === 'object' && arg !== null && MARK in arg && Object.keys(arg).length === 1;
}

function reviveKnown(handle: SharedHandle): unknown {
  try {
    return revive(handle);
  } catch (error) {
    // revive() names an unknown kind this way; any other error (a wrong tag: memory that does not
    // hold what the handle says) is real and reaches the caller.
    if (error instanceof InvalidHandleError && error.message.startsWith('revive(): unknown kind')) return handle;
    throw error;
  }
}
