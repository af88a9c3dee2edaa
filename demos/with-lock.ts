/**
 * Lesson: the lock as a scoped block — Python's `with lock:`.
 *
 * Three ways to hold a lock for exactly one block, each released however the block ends:
 * `using _ = lock.hold()` (TypeScript 5.2+ / explicit resource management), `withLock(lock, fn)`,
 * and the explicit try/finally they stand for. Three threads each add to one shared counter in
 * their own style; none loses an update, and a block that throws still releases the lock.
 */
import { type BoundedQueue, Lock, Thread, withLock } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';

type Style = 'using' | 'withLock' | 'try/finally';

/** Runs in each thread: `times` increments of `counter[0]`, holding `lock` in the given style. */
export function addMany(out: BoundedQueue<string>, lock: Lock, counter: Int32Array, times: number, style: Style): void {
  for (let i = 0; i < times; i++) {
    if (style === 'using') {
      using _held = lock.hold(); // released at the end of this block
      counter[0] = counter[0]! + 1;
    } else if (style === 'withLock') {
      withLock(lock, () => {
        counter[0] = counter[0]! + 1;
      });
    } else {
      lock.acquire();
      try {
        counter[0] = counter[0]! + 1;
      } finally {
        lock.release();
      }
    }
  }
  out.put(`${style.padEnd(11)}: added ${times}`);
}

/**
 * Runs in a thread: a block that throws while holding the lock. Writes 1 to `lockedAfter[0]` if
 * the lock is still held afterwards.
 */
export function throwInside(out: BoundedQueue<string>, lock: Lock, lockedAfter: Int32Array): void {
  try {
    using _held = lock.hold();
    throw new Error('something went wrong while holding the lock');
  } catch (error) {
    out.put(`a block threw ("${(error as Error).message}"); lock.locked() afterwards = ${lock.locked()}`);
  }
  Atomics.store(lockedAfter, 0, lock.locked() ? 1 : 0);
}

export interface WithLockResult {
  expected: number;
  total: number;
  lockedAfterThrow: boolean;
}

export async function main({ quick, out }: LessonContext): Promise<WithLockResult> {
  const times = quick ? 2_000 : 200_000;
  const lock = new Lock();
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const styles: Style[] = ['using', 'withLock', 'try/finally'];
  out.print(`Three threads each add ${times} to one counter, each holding the lock its own way.`);
  const threads = styles.map(
    (style) =>
      new Thread({ target: new URL('#addMany', import.meta.url), args: [out.lines, lock, counter, times, style] }),
  );
  for (const t of threads) t.start();
  await Promise.all(threads.map((t) => t.join()));
  out.print(`Total ${counter[0]} (expected ${times * styles.length}): no update lost.`);

  const lockedAfter = new Int32Array(new SharedArrayBuffer(4));
  const thrower = new Thread({
    target: new URL('#throwInside', import.meta.url),
    args: [out.lines, lock, lockedAfter],
  });
  thrower.start();
  await thrower.join();
  return {
    expected: times * styles.length,
    total: counter[0]!,
    lockedAfterThrow: lockedAfter[0] === 1 || lock.locked(),
  };
}
