/**
 * revive(handle): rebuilds any shared object from its handle, whatever its kind — the generic
 * counterpart of `Lock.from`, `BoundedQueue.from`, ... for code that receives handles it did not
 * create (worker entry points, thread arguments).
 */

import { Barrier } from './sync/barrier.js';
import { BoundedSemaphore } from './sync/bounded-semaphore.js';
import { Condition, type ConditionHandle } from './sync/condition.js';
import { InvalidHandleError } from './sync/errors.js';
import { Event } from './sync/event.js';
import { Lock } from './sync/lock.js';
import { RLock } from './sync/rlock.js';
import { Semaphore } from './sync/semaphore.js';
import type { SharedHandle } from './sync/shared-object.js';

/** Every kind of shared object, by the `kind` its handle carries. */
const REVIVERS: Record<string, (handle: never) => unknown> = {
  Lock: Lock.from,
  RLock: RLock.from,
  Semaphore: Semaphore.from,
  BoundedSemaphore: BoundedSemaphore.from,
  Condition: Condition.from,
  Event: Event.from,
  Barrier: Barrier.from,
};

/** Lets other modules (the queue) add their kinds without this file importing them in a cycle. */
export function registerReviver<H extends SharedHandle>(kind: H['kind'], from: (handle: H) => unknown): void {
  REVIVERS[kind] = from as (handle: never) => unknown;
}

export type Revived<H> = H extends ConditionHandle
  ? Condition
  : H extends SharedHandle<'Lock'>
    ? Lock
    : H extends SharedHandle<'RLock'>
      ? RLock
      : H extends SharedHandle<'BoundedSemaphore'>
        ? BoundedSemaphore
        : H extends SharedHandle<'Semaphore'>
          ? Semaphore
          : H extends SharedHandle<'Event'>
            ? Event
            : H extends SharedHandle<'Barrier'>
              ? Barrier
              : unknown;

/** Whether `x` looks like a handle of a shared object (a `kind`, a SharedArrayBuffer and an offset). */
export function isHandle(x: unknown): x is SharedHandle {
  const h = x as Partial<SharedHandle> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.kind === 'string' &&
    h.buffer instanceof SharedArrayBuffer &&
    typeof h.byteOffset === 'number'
  );
}

/** Rebuilds the shared object `handle` describes, in this thread. */
export function revive<H extends SharedHandle>(handle: H): Revived<H> {
  if (!isHandle(handle))
    throw new InvalidHandleError(`revive() needs a handle ({ kind, buffer, byteOffset }), got ${String(handle)}`);
  const from = REVIVERS[handle.kind];
  if (!from)
    throw new InvalidHandleError(
      `revive(): unknown kind "${handle.kind}"; known kinds: ${Object.keys(REVIVERS).join(', ')}`,
    );
  return from(handle as never) as Revived<H>;
}
