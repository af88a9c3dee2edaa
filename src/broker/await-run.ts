/**
 * Waiting for a run to join: a `pipeline-tui worker` started before its run (a fleet started once,
 * runs coming and going) looks at the stream's announcement (`<stream>:run`) until a run there is
 * running — one it has not served yet. An announcement is a hash the run writes, so this polls it:
 * one HGETALL every POLL_MS, cheap for the server and a short wait for a run's first items.
 */
import type { Redis } from 'ioredis';
import { type RunAnnouncement, readRun } from './remote-board.js';

/** How often the announcement is read while waiting. */
export const POLL_MS = 100;

export interface AwaitRunOptions {
  /** A run already served (its runId): not joined again. */
  skip?: string | undefined;
  /** Give up after this long (undefined: wait until `signal`). */
  waitMs?: number | undefined;
  signal?: AbortSignal;
}

/**
 * The run to join on `stream`, once there is one running; undefined when `waitMs` passes or
 * `signal` is aborted first. With `waitMs` 0, only what is announced now.
 */
export async function awaitRun(
  redis: Redis,
  stream: string,
  { skip, waitMs, signal }: AwaitRunOptions = {},
): Promise<RunAnnouncement | undefined> {
  const deadline = waitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + waitMs;
  for (;;) {
    const run = await readRun(redis, stream);
    if (run !== undefined && run.phase === 'running' && run.runId !== skip) return run;
    const left = deadline - performance.now();
    if (left <= 0 || signal?.aborted) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(POLL_MS, left));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
