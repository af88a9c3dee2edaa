/**
 * Lesson: a Semaphore limiting a pool of connections.
 *
 * Six clients want a database connection and the pool has three. Each client holds a slot of a
 * BoundedSemaphore(3) while connected, so never more than three are connected at once; the
 * others wait their turn. (Bounded: releasing more often than acquired is an error, which
 * catches a double release — shown at the end.)
 */
import { Barrier, type BoundedQueue, BoundedSemaphore, SemaphoreOverReleaseError, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep } from './pause.js';

/** Runs in each client thread. `inUse[0]` counts connections now, `inUse[1]` the most at once. */
export function useConnection(
  out: BoundedQueue<string>,
  pool: BoundedSemaphore,
  startLine: Barrier,
  name: string,
  inUse: Int32Array,
  ms: number,
): void {
  startLine.wait(); // every client is up: they all ask at once
  out.put(`${name}: waiting for a connection`);
  pool.acquire();
  try {
    const now = Atomics.add(inUse, 0, 1) + 1;
    for (let most = Atomics.load(inUse, 1); now > most; most = Atomics.load(inUse, 1)) {
      if (Atomics.compareExchange(inUse, 1, most, now) === most) break;
    }
    out.put(`${name}: connected (${now} in use)`);
    sleep(ms); // the query
    Atomics.sub(inUse, 0, 1);
  } finally {
    pool.release();
  }
  out.put(`${name}: disconnected`);
}

export interface SemaphoreResult {
  limit: number;
  clients: number;
  /** The most connections in use at once: never above `limit`. */
  maxInUse: number;
  overReleaseError: string | undefined;
}

export async function main({ quick, out }: LessonContext): Promise<SemaphoreResult> {
  const limit = 3;
  const clients = 6;
  const pool = new BoundedSemaphore(limit);
  const inUse = new Int32Array(new SharedArrayBuffer(8));
  const startLine = new Barrier(clients);
  out.print(`${clients} clients, a pool of ${limit} connections.`);
  const threads = Array.from(
    { length: clients },
    (_, i) =>
      new Thread({
        target: new URL('#useConnection', import.meta.url),
        args: [out.lines, pool, startLine, `client ${i + 1}`, inUse, quick ? 30 : 500],
      }),
  );
  for (const t of threads) t.start();
  await Promise.all(threads.map((t) => t.join()));
  out.print(`At most ${inUse[1]} connections were in use at once (limit ${limit}).`);
  let overReleaseError: string | undefined;
  try {
    pool.release(); // one release too many
  } catch (error) {
    if (!(error instanceof SemaphoreOverReleaseError)) throw error;
    overReleaseError = error.message;
    out.print(`An extra release(): ${error.name}: ${error.message}`);
  }
  return { limit, clients, maxInUse: inUse[1]!, overReleaseError };
}
