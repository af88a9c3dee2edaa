/**
 * Lesson: start a thread, and wait for it with `join()`.
 *
 * Python:   x = threading.Thread(target=thread_function, args=(1,)); x.start(); x.join()
 * Here the target is a module and an exported function — this very file, `#threadFunction` —
 * because a function cannot be sent to another thread; the worker imports this module and calls it.
 */
import { type BoundedQueue, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep } from './pause.js';

/** Runs in the new thread. */
export function threadFunction(out: BoundedQueue<string>, name: number, ms: number): void {
  out.put(`Thread ${name}: starting`);
  sleep(ms);
  out.put(`Thread ${name}: finishing`);
}

export interface JoinResult {
  /** Whether the thread's last line came before the main thread's "all done": join() waited. */
  joinWaited: boolean;
  aliveAfterJoin: boolean;
}

export async function main({ quick, out }: LessonContext): Promise<JoinResult> {
  out.print('Main    : before creating thread');
  const x = new Thread({
    target: new URL('#threadFunction', import.meta.url),
    args: [out.lines, 1, quick ? 50 : 2000],
  });
  out.print('Main    : before running thread');
  x.start();
  out.print('Main    : wait for the thread to finish');
  await x.join();
  out.print('Main    : all done');
  const lines = out.printed;
  return {
    joinWaited: lines.indexOf('Thread 1: finishing') < lines.indexOf('Main    : all done'),
    aliveAfterJoin: x.isAlive(),
  };
}
