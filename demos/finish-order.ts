/**
 * Lesson: several threads, and the order they finish.
 *
 * Threads start in one order and finish in whatever order their work (and the scheduler) decides —
 * not the order they were started or joined. Each thread here works a random time; run it twice.
 * (They wait at a Barrier first, so all start together however long each worker took to boot.)
 */
import { Barrier, type BoundedQueue, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep } from './pause.js';

/** Runs in each thread: works `ms`, then takes the next finishing place in `finished`. */
export function threadFunction(
  out: BoundedQueue<string>,
  startLine: Barrier,
  index: number,
  ms: number,
  finished: Int32Array,
): void {
  startLine.wait(); // a fair start: workers take different times to boot
  out.put(`Thread ${index}: starting (${ms} ms of work)`);
  sleep(ms);
  const place = Atomics.add(finished, 0, 1);
  Atomics.store(finished, 1 + place, index);
  out.put(`Thread ${index}: finishing`);
}

export interface FinishOrderResult {
  started: number[];
  finished: number[];
}

export async function main({ quick, out }: LessonContext): Promise<FinishOrderResult> {
  const count = quick ? 3 : 5;
  const finished = new Int32Array(new SharedArrayBuffer(4 * (count + 1)));
  const startLine = new Barrier(count);
  const threads: Thread[] = [];
  for (let index = 0; index < count; index++) {
    const ms = Math.round((quick ? 20 : 200) + Math.random() * (quick ? 60 : 1000));
    out.print(`Main    : create and start thread ${index}`);
    const thread = new Thread({
      target: new URL('#threadFunction', import.meta.url),
      args: [out.lines, startLine, index, ms, finished],
    });
    thread.start();
    threads.push(thread);
  }
  for (const [index, thread] of threads.entries()) {
    out.print(`Main    : before joining thread ${index}`);
    await thread.join();
    out.print(`Main    : thread ${index} done`);
  }
  const result = { started: threads.map((_, i) => i), finished: Array.from(finished.subarray(1)) };
  out.print(`Started in order ${result.started.join(', ')}; finished in order ${result.finished.join(', ')}.`);
  return result;
}
