/**
 * Lesson: the `args` pitfall.
 *
 * In Python, `Thread(target=greet, args=('world'))` passes a *string*, not a tuple — `('world')`
 * is just parentheses — so the thread calls greet('w', 'o', 'r', 'l', 'd') and fails far from the
 * mistake. Here `args` must be an array: a bare value is refused at once, by the constructor,
 * with the fix in the message. (TypeScript already rejects it at compile time; the runtime check
 * is for JavaScript callers.)
 */
import { type BoundedQueue, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';

/** Runs in the thread. */
export function greet(out: BoundedQueue<string>, who: string): void {
  out.put(`Thread: hello, ${who}!`);
}

export interface ArgsPitfallResult {
  /** The constructor's error for a bare value. */
  error: string | undefined;
  /** What the thread printed once given a proper list. */
  greeting: string | undefined;
}

export async function main({ out }: LessonContext): Promise<ArgsPitfallResult> {
  const target = new URL('#greet', import.meta.url);
  let error: string | undefined;
  out.print("new Thread({ target, args: 'world' })        // the mistake: a bare value");
  try {
    new Thread({ target, args: 'world' as unknown as unknown[] });
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message}`;
    out.print(`  → ${error}`);
  }
  out.print("new Thread({ target, args: [out, 'world'] })  // the fix: a list of arguments");
  const thread = new Thread({ target, args: [out.lines, 'world'] });
  thread.start();
  await thread.join();
  const greeting = out.printed.find((line) => line.startsWith('Thread: hello'));
  return { error, greeting };
}
