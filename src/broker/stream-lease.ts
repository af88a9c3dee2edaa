/**
 * A run's hold on its stream: one run at a time. Two runs on one stream would each announce
 * themselves anew, resetting the other's budget and counts, and both report the result as theirs.
 *
 *   <stream>:lease   who holds the stream (`pid 1234 on build-7, run 3f2a91c0`), with an expiry:
 *                    the run renews it while it lives, so one that crashed lets go of it once
 *                    `leaseMs` has passed since its last renewal.
 *
 * Renewing is also how a run learns that the broker lost its data: the announcement it made
 * (`<stream>:run`, with its run id) is gone — a server restarted without persistence, or flushed.
 */
import type { Redis } from 'ioredis';
import { runKey } from './remote-board.js';
import { scriptsOf } from './scripts.js';

export const leaseKey = (stream: string): string => `${stream}:lease`;

/** The stream is held by another live run: one line naming it (the command line exits 2). */
export class StreamBusyError extends Error {
  override name = 'StreamBusyError';
}

/** Where the hold stands: still this run's, another run's, or gone with the broker's data. */
export type HoldState = 'held' | 'taken' | 'data-lost';

/** Takes the stream for a run. Returns undefined when taken, or who holds it (another live run). */
export async function takeStream(
  redis: Redis,
  stream: string,
  holder: string,
  leaseMs: number,
): Promise<string | undefined> {
  const now = String(await scriptsOf(redis).takeStream(leaseKey(stream), holder, leaseMs));
  return now === holder ? undefined : now;
}

/** Renews the hold; `runId` once the run is announced (then a missing announcement is data lost). */
export async function renewStream(
  redis: Redis,
  stream: string,
  holder: string,
  leaseMs: number,
  runId = '',
): Promise<HoldState> {
  return (await scriptsOf(redis).renewStream(leaseKey(stream), runKey(stream), holder, leaseMs, runId)) as HoldState;
}

/** Lets go of the stream (a no-op when another run holds it by now). */
export async function releaseStream(redis: Redis, stream: string, holder: string): Promise<void> {
  await scriptsOf(redis).releaseStream(leaseKey(stream), holder);
}
