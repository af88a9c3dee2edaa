/**
 * Lesson: `activeCount()`, `mainThread()`, `currentThread()` and `enumerate()`.
 *
 * The thread registry lives in shared memory, so a thread gets the same answers as the main
 * thread. A Barrier makes the moment exact: every thread looks only once all of them are
 * running, and none ends before all have looked.
 */
import { activeCount, Barrier, type BoundedQueue, currentThread, enumerate, mainThread, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';

/** Runs in each thread: reports what it sees into `seen[index]` and prints it. */
export function lookAround(out: BoundedQueue<string>, gate: Barrier, index: number, seen: Int32Array): void {
  gate.wait(); // all threads are running
  const me = currentThread();
  Atomics.store(seen, index, activeCount());
  out.put(
    `${me.name}: currentThread().name = ${me.name}, activeCount() = ${activeCount()}, ` +
      `mainThread().name = ${mainThread().name}`,
  );
  gate.wait(); // nobody ends before everyone has looked
}

export interface ThreadsInfoResult {
  before: number;
  /** activeCount() on the main thread while the threads run. */
  during: number;
  /** activeCount() as each thread saw it. */
  seenInside: number[];
  after: number;
  names: string[];
  mainName: string;
  currentOnMain: string;
}

export async function main({ quick, out }: LessonContext): Promise<ThreadsInfoResult> {
  const count = quick ? 3 : 4;
  const before = activeCount();
  out.print(`Main: activeCount() = ${before}, currentThread().name = ${currentThread().name}`);
  const gate = new Barrier(count);
  const seen = new Int32Array(new SharedArrayBuffer(4 * count));
  const threads = Array.from(
    { length: count },
    (_, i) =>
      new Thread({
        target: new URL('#lookAround', import.meta.url),
        args: [out.lines, gate, i, seen],
        name: `Worker-${i + 1}`,
      }),
  );
  for (const t of threads) t.start();
  const during = activeCount();
  out.print(`Main: started ${count} threads; activeCount() = ${during}`);
  out.print(
    `Main: enumerate() = [${enumerate()
      .map((t) => t.name)
      .join(', ')}]`,
  );
  await Promise.all(threads.map((t) => t.join()));
  const after = activeCount();
  out.print(`Main: all joined; activeCount() = ${after}`);
  return {
    before,
    during,
    seenInside: Array.from(seen),
    after,
    names: threads.map((t) => t.name),
    mainName: mainThread().name,
    currentOnMain: currentThread().name,
  };
}
