/**
 * The program the `daemon` lesson runs in a child process (the lesson is about how a *process*
 * exits). Its main thread starts a daemon thread that never ends and a non-daemon thread that
 * ends after a few ticks, and returns at once without joining either.
 *
 * Threads print with `writeSync(1, …)`, straight to the process's stdout, so every line is out
 * before the process ends. Run as `node daemon-program.js [tickMs]`; imported in a worker (as
 * the threads' target) it only defines the thread functions.
 */
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { Thread } from 'pipeline-tui';
import { sleep } from './pause.js';

const say = (text: string): void => void writeSync(1, `${text}\n`);

/** A daemon's work: an endless heartbeat. Only the process exiting stops it. */
export function heartbeat(tickMs: number): void {
  for (let tick = 1; ; tick++) {
    say(`daemon    : tick ${tick}`);
    sleep(tickMs);
  }
}

/** A non-daemon's work: a few ticks, then done. The process waits for it. */
export function fewTicks(ticks: number, tickMs: number): void {
  for (let tick = 1; tick <= ticks; tick++) {
    say(`non-daemon: tick ${tick}`);
    sleep(tickMs);
  }
  say('non-daemon: finished');
}

if (isMainThread) {
  const tickMs = Number(process.argv[2] ?? 100);
  new Thread({ target: new URL('#heartbeat', import.meta.url), args: [tickMs], name: 'daemon', daemon: true }).start();
  new Thread({ target: new URL('#fewTicks', import.meta.url), args: [3, tickMs], name: 'non-daemon' }).start();
  say('main      : started both threads; returning without join()');
}
