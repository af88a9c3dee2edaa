/**
 * Lesson: `Timer` and `cancel()`.
 *
 * A Timer calls a function after a delay, unless it is cancelled first. (A function cannot move
 * to another thread, so this Timer calls it on the thread that created it.)
 */
import { Timer } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleepAsync } from './pause.js';

export interface TimerResult {
  /** The timer left alone: its function ran, with its arguments. */
  firedWith: string | undefined;
  /** The cancelled timer: whether its function ever ran (it must not). */
  cancelledRan: boolean;
  cancelled: boolean;
}

export async function main({ quick, out }: LessonContext): Promise<TimerResult> {
  const delay = quick ? 20 : 1000;
  let firedWith: string | undefined;
  const hello = new Timer(
    delay,
    (who: string) => {
      firedWith = who;
      out.print(`Timer: hello, ${who}!`);
    },
    ['world'],
  );
  hello.start();
  out.print(`Main : started a ${delay} ms timer`);
  await hello.join();
  out.print(`Main : it fired (finished.isSet() = ${hello.finished.isSet()})`);

  let cancelledRan = false;
  const never = new Timer(delay, () => {
    cancelledRan = true;
    out.print('Timer: this line is never printed');
  });
  never.start();
  out.print(`Main : started another ${delay} ms timer, and cancel it at once`);
  never.cancel();
  await sleepAsync(delay * 3); // well past its moment: it would have fired by now
  out.print(`Main : ${3 * delay} ms later: cancelled = ${never.cancelled}, its function ran: ${cancelledRan}`);
  return { firedWith, cancelledRan, cancelled: never.cancelled };
}
