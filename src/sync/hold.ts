/**
 * Scoped holds: the equivalent of Python's `with lock:` for every lock-like primitive.
 *
 *     using _ = lock.hold();              // released when the block exits, even by throw
 *     using _ = await lock.holdAsync();   // same, acquired without blocking the event loop
 *     withLock(lock, () => { ... });      // for code that cannot use `using`
 */
import { AcquireTimeoutError } from './errors.js';

export interface AcquireOptions {
  /** false: take it only if available now. Default true. */
  blocking?: boolean;
  /** Milliseconds to wait at most; undefined waits forever. Not allowed with `blocking: false`. */
  timeout?: number;
}

/** Anything with Python's acquire/release pair: Lock, RLock, Semaphore, BoundedSemaphore, Condition. */
export interface Acquirable {
  acquire(opts?: AcquireOptions): boolean;
  acquireAsync(opts?: AcquireOptions): Promise<boolean>;
  release(): void;
}

/** A held acquisition; disposing it (or calling `release`) releases exactly once. */
export interface Hold extends Disposable {
  release(): void;
}

function holding(target: Acquirable): Hold {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    target.release();
  };
  return { release, [Symbol.dispose]: release };
}

function timedOut(target: Acquirable, opts: AcquireOptions | undefined): AcquireTimeoutError {
  const how = opts?.blocking === false ? 'it was not free' : `not acquired within ${String(opts?.timeout)} ms`;
  return new AcquireTimeoutError(`could not hold the ${target.constructor.name}: ${how}`);
}

/** Acquires `target` (blocking) and returns a hold that releases it. @throws AcquireTimeoutError */
export function holdOf(target: Acquirable, opts?: AcquireOptions): Hold {
  if (!target.acquire(opts)) throw timedOut(target, opts);
  return holding(target);
}

/** Acquires `target` without blocking the event loop and returns a hold. @throws AcquireTimeoutError */
export async function holdOfAsync(target: Acquirable, opts?: AcquireOptions): Promise<Hold> {
  if (!(await target.acquireAsync(opts))) throw timedOut(target, opts);
  return holding(target);
}

/** Runs `fn` while holding `target` (blocking acquire) and returns its result. */
export function withLock<T>(target: Acquirable, fn: () => T): T {
  target.acquire();
  try {
    return fn();
  } finally {
    target.release();
  }
}

/** Runs `fn` (sync or async) while holding `target`, acquired without blocking the event loop. */
export async function withLockAsync<T>(target: Acquirable, fn: () => T | Promise<T>): Promise<T> {
  await target.acquireAsync();
  try {
    return await fn();
  } finally {
    target.release();
  }
}
