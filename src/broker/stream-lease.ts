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

export const leaseKey = (stream: string): string => `${stream}:lease`;

/** The stream is held by another live run: one line naming it (the command line exits 2). */
export class StreamBusyError extends Error {
  override name = 'StreamBusyError';
}

/** Where the hold stands: still this run's, another run's, or gone with the broker's data. */
export type HoldState = 'held' | 'taken' | 'data-lost';

// KEYS: lease. ARGV: holder, lease ms. Returns who holds the stream now (ARGV[1]: this call took it).
const TAKE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end
return redis.call('GET', KEYS[1])`;

// KEYS: lease, run. ARGV: holder, lease ms, run id ('' until the run is announced). Returns a HoldState.
// A hold that expired while the broker was out of reach is taken back, unless another run has it.
const RENEW = `
if ARGV[3] ~= '' then
  local id = redis.call('HGET', KEYS[2], 'runId')
  if not id then return 'data-lost' end
  if id ~= ARGV[3] then return 'taken' end
end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 'held'
end
if holder then return 'taken' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'held'`;

// KEYS: lease. ARGV: holder. Lets go of the stream, if this run still holds it.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Takes the stream for a run. Returns undefined when taken, or who holds it (another live run). */
export async function takeStream(
  redis: Redis,
  stream: string,
  holder: string,
  leaseMs: number,
): Promise<string | undefined> {
  const now = String(await redis.eval(TAKE, 1, leaseKey(stream), holder, leaseMs));
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
  return (await redis.eval(RENEW, 2, leaseKey(stream), runKey(stream), holder, leaseMs, runId)) as HoldState;
}

/** Lets go of the stream (a no-op when another run holds it by now). */
export async function releaseStream(redis: Redis, stream: string, holder: string): Promise<void> {
  await redis.eval(RELEASE, 1, leaseKey(stream), holder);
}
