/**
 * Lesson: the race condition, and its fix with a Lock.
 *
 * A "database" holds one value, shared by two threads. Each update reads the value into a local
 * copy, adds one, and writes it back. Two updates should make 2; unlocked they make 1, because
 * both threads read 0 before either writes. Python's lesson sleeps between the read and the
 * write and so makes that overlap *likely*; here a Barrier (both threads wait after reading
 * until the other has read too) makes it certain, every run. With the Lock around the
 * read-modify-write the second thread cannot read until the first has written: 2.
 */
import { Barrier, type BoundedQueue, Lock, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep } from './pause.js';

/** Runs in each thread: an update without a lock. `db[0]` is the database's value. */
export function unsafeUpdate(out: BoundedQueue<string>, db: Int32Array, name: number, bothRead: Barrier): void {
  out.put(`Thread ${name}: starting update`);
  let localCopy = db[0]!;
  localCopy += 1;
  bothRead.wait(); // the other thread reads the old value meanwhile
  db[0] = localCopy;
  out.put(`Thread ${name}: finishing update`);
}

/** Runs in each thread: the same update, holding the lock from the read to the write. */
export function lockedUpdate(out: BoundedQueue<string>, db: Int32Array, name: number, lock: Lock, ms: number): void {
  out.put(`Thread ${name}: starting update`);
  out.put(`Thread ${name} about to lock`);
  lock.acquire();
  try {
    out.put(`Thread ${name} has lock`);
    let localCopy = db[0]!;
    localCopy += 1;
    sleep(ms); // the other thread would read the old value now — but it is waiting for the lock
    db[0] = localCopy;
    out.put(`Thread ${name} about to release lock`);
  } finally {
    lock.release();
  }
  out.put(`Thread ${name}: finishing update`);
}

export interface RaceResult {
  updates: number;
  unlocked: number;
  locked: number;
}

async function testUpdate(
  out: LessonContext['out'],
  title: string,
  argsFor: (db: Int32Array, name: number) => unknown[],
  exportName: string,
): Promise<number> {
  const db = new Int32Array(new SharedArrayBuffer(4));
  out.print(`${title}: testing update. Starting value is ${db[0]}.`);
  const threads = [0, 1].map(
    (name) => new Thread({ target: new URL(`#${exportName}`, import.meta.url), args: argsFor(db, name) }),
  );
  for (const t of threads) t.start();
  await Promise.all(threads.map((t) => t.join()));
  out.print(`${title}: testing update. Ending value is ${db[0]}.`);
  return db[0]!;
}

export async function main({ quick, out }: LessonContext): Promise<RaceResult> {
  const bothRead = new Barrier(2);
  const unlocked = await testUpdate(out, 'Without a lock', (db, n) => [out.lines, db, n, bothRead], 'unsafeUpdate');
  const lock = new Lock();
  const locked = await testUpdate(
    out,
    'With a lock',
    (db, n) => [out.lines, db, n, lock, quick ? 20 : 100],
    'lockedUpdate',
  );
  out.print(`Two updates: ${unlocked} without the lock (one update lost), ${locked} with it.`);
  return { updates: 2, unlocked, locked };
}
