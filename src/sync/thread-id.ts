/**
 * The calling thread's identity as stored in shared memory (owner words of RLock and Lock).
 * worker_threads' `threadId` is 0 on the main thread and unique per worker within the process;
 * we store it plus one so that 0 can mean "nobody".
 */
import { threadId } from 'node:worker_threads';

export const NO_OWNER = 0;
export const SELF = threadId + 1;

/** The worker_threads `threadId` for a stored owner word (or undefined for nobody). */
export function ownerThreadId(word: number): number | undefined {
  return word === NO_OWNER ? undefined : word - 1;
}
