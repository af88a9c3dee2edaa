/**
 * Which threads exist: Python's `current_thread()`, `main_thread()`, `enumerate()` and
 * `active_count()`, answered the same way from the main thread and from inside any Thread.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { ownRecord, type ThreadRecord, threadRegistry } from './registry.js';
import { startedHere } from './thread.js';
import type { ThreadInfo } from './thread-info.js';

const MAIN: ThreadInfo = Object.freeze({ name: 'MainThread', ident: 0, daemon: false, isAlive: () => true });

function info(record: ThreadRecord): ThreadInfo {
  return (
    startedHere.get(record.ident) ??
    Object.freeze({
      ...record,
      isAlive: () =>
        threadRegistry()
          .list()
          .some((r) => r.ident === record.ident),
    })
  );
}

/** The main thread. */
export function mainThread(): ThreadInfo {
  return MAIN;
}

/** The thread this code runs in. A worker not started by Thread appears as "Dummy-<id>". */
export function currentThread(): ThreadInfo {
  if (isMainThread) return MAIN;
  const own = ownRecord();
  return own
    ? info(own)
    : Object.freeze({ name: `Dummy-${threadId}`, ident: threadId, daemon: false, isAlive: () => true });
}

/** Every live thread: the main thread and every started, unfinished Thread. */
export function enumerate(): ThreadInfo[] {
  return [MAIN, ...threadRegistry().list().map(info)];
}

/** How many threads are alive (the length of `enumerate()`). */
export function activeCount(): number {
  return 1 + threadRegistry().list().length;
}
