/**
 * The board of a run on a stream, kept on the broker next to the stream, so that workers in other
 * processes and on other machines (`pipeline-tui worker`) can join the run and be shown in it:
 *
 *   <stream>:run       a hash: the run's announcement — its id, consumer group, capacity, claim
 *                      idle time, configuration (JSON) and phase — and its item budget, which
 *                      every producer, the run's own and those that join, draws from (claimItems).
 *                      A worker reads it to join; producers stop when the phase leaves running.
 *   <stream>:counts    what was put, acknowledged and acknowledged twice (stream-queue.ts).
 *   <stream>:once      each client's last script (a resent one is not run twice), and
 *   <stream>:room      the list producers waiting for room block on (stream-queue.ts).
 *   <stream>:pool:*   the run's `--pool`, a BrokerSemaphore its consumers share wherever they run.
 *   <stream>:2, :3 …  a chain's later links (`--stage`): link i is a stream of its own (linkStream),
 *                      with its own group, counts, once and room keys, as the first link has.
 *   <stream>:workers   a hash: one field per remote worker (`C4@host:1234`), its row as JSON with
 *                      the server's time of the last publish. Each worker process publishes its
 *                      rows every refresh; a row not renewed for `staleMs` is a worker gone
 *                      silent (its process killed, its machine gone), shown as failed.
 *
 * The times are the server's (TIME), so machines with skewed clocks agree on what is stale.
 * Once a run is over, these keys expire after FINISHED_RUN_TTL_S (expireRun), and so does the
 * stream when nothing is left in it; a stream that still holds items (unacknowledged) stays.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { BUDGET_SHARE } from '../pipeline/metrics.js';
import type { WorkerRole, WorkerState } from '../pipeline/types.js';
import { semaphoreKeys } from './broker-semaphore.js';
import { type OnceTag, onceCount, scriptsOf } from './scripts.js';
import { countsKey, onceKey, roomKey } from './stream-queue.js';

/** A remote worker's row as it publishes it. */
export interface RemoteWorkerRow {
  /** `P2@host:pid`, `S2.1@host:pid`, `C4@host:pid`. */
  id: string;
  role: WorkerRole;
  /** Its stage in the run's chain (0: producers, last: consumers); absent: its role's end of the chain. */
  stage?: number;
  state: WorkerState;
  items: number;
  blockedMs: number;
  /** A stage worker's items passed on, and dropped by the transform. */
  out?: number;
  dropped?: number;
  error?: string;
}

/** A row as the run reads it: with the server time of its last publish, and whether that is too old. */
export interface RemoteWorkerReading extends RemoteWorkerRow {
  publishedAtMs: number;
  stale: boolean;
}

export type RunPhase = 'running' | 'stopping' | 'done' | 'failed';

/** What a run announces, for workers that join it. */
export interface RunAnnouncement {
  runId: string;
  group: string;
  capacity: number;
  claimIdleMs: number;
  /** The run's configuration, JSON (for the workload of remote workers). Never holds the URL. */
  config: string;
  phase: RunPhase;
}

/** A row older than this is a worker gone silent (several refreshes missed). */
export const STALE_MS = 5_000;

/** The id of a remote worker: its id in its process (chain.ts' workerId), then host and pid (`C4@build-7:1234`). */
export function remoteWorkerId(local: string, host = hostname(), pid = process.pid): string {
  return `${local}@${host}:${pid}`;
}

/**
 * The stream of link `link` of a run on `stream` (0: producers to the first stage): the run's own
 * stream for the first, then `<stream>:2`, `<stream>:3`…, numbered as people count the links.
 */
export const linkStream = (stream: string, link: number): string => (link === 0 ? stream : `${stream}:${link + 1}`);

export const runKey = (stream: string): string => `${stream}:run`;
export const workersKey = (stream: string): string => `${stream}:workers`;
/** The name of a run's `--pool` semaphore (broker-semaphore.ts). */
export const poolName = (stream: string): string => `${stream}:pool`;

async function serverMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The keys of a link's stream beside it: its counts, once records and room list. */
const linkKeys = (stream: string): string[] => [countsKey, onceKey, roomKey].map((key) => key(stream));

/**
 * The keys of a run beside its streams (see the header), for a chain of `links` links: replaced by
 * the next run, left to expire once over.
 */
const runKeys = (stream: string, links: number): string[] => [
  ...[runKey, workersKey].map((key) => key(stream)),
  ...Array.from({ length: links }, (_, i) => linkKeys(linkStream(stream, i))).flat(),
  ...Object.values(semaphoreKeys(poolName(stream))),
];

/**
 * Announces a run (replacing the announcement of an earlier run on the same stream, its rows and
 * its counts), with `budget` items for its producers to draw from (undefined: no limit), over a
 * chain of `links` links (linkStream).
 */
export async function announceRun(
  redis: Redis,
  stream: string,
  run: RunAnnouncement,
  budget?: number | undefined,
  links = 1,
): Promise<void> {
  const transaction = redis.multi().del(...runKeys(stream, links));
  // An empty stream left to expire by the run before (expireRun) is this run's now.
  for (let i = 0; i < links; i++) transaction.persist(linkStream(stream, i));
  await transaction
    .hset(runKey(stream), { ...run, limited: budget === undefined ? 0 : 1, remaining: budget ?? 0 })
    .exec();
}

/**
 * Takes up to `max` items of the run's budget for a producer (claim-2.lua); 0 when it is spent or
 * the run stops. `share`: a claim takes at most the remaining budget divided by it — BUDGET_SHARE,
 * as PipelineBoard.claimItems does, for a producer that makes its items one at a time (the claims
 * shrink near the end so producers finish together); 1 for one whose claim goes in one script
 * (a claim is a round trip: shrinking it to single items would make the end of a run crawl).
 * `once` is the producer's tag (its StreamQueue's): a claim resent after a reconnect takes nothing twice.
 */
export async function claimItems(
  redis: Redis,
  stream: string,
  max: number,
  once: OnceTag,
  share = BUDGET_SHARE,
): Promise<number> {
  const reply = await scriptsOf(redis).claim(runKey(stream), onceKey(stream), max, share, ...once.next());
  // A resent claim whose result was not kept cannot happen (one claim at a time): taken as none.
  return onceCount(reply, 0);
}

/**
 * Gives back `items` a producer claimed from run `runId`'s budget and did not make (it left the
 * run early), so the run still makes every item of its budget.
 */
export async function giveBackItems(redis: Redis, stream: string, runId: string, items: number): Promise<void> {
  if (items > 0) await scriptsOf(redis).giveBack(runKey(stream), items, runId);
}

/** Moves the announced run to `phase` (a joining worker that reads `done` does not join). */
export async function setRunPhase(redis: Redis, stream: string, phase: RunPhase): Promise<void> {
  await redis.hset(runKey(stream), 'phase', phase);
}

/**
 * How long a finished run's bookkeeping stays on the broker: a day, for `watch` and a late
 * `worker` to read how it ended, and no longer (runs came and went forever before).
 */
export const FINISHED_RUN_TTL_S = 24 * 60 * 60;

/**
 * Lets a finished run's keys (a chain of `links` links) expire after `ttlS`, and each stream with
 * them if it is empty (its consumer group too: the next run makes it anew). Items still in a
 * stream keep it: they are for the next run on it. Called by the run that holds the stream, so no other run adds to it
 * between the length read and the expiry.
 */
export async function expireRun(redis: Redis, stream: string, links = 1, ttlS = FINISHED_RUN_TTL_S): Promise<void> {
  const transaction = redis.multi();
  for (const key of runKeys(stream, links)) transaction.expire(key, ttlS);
  await transaction.exec();
  for (let i = 0; i < links; i++) {
    const link = linkStream(stream, i);
    if ((await redis.xlen(link)) === 0) await redis.expire(link, ttlS);
  }
}

/** The run announced on `stream`, or undefined when there is none. */
export async function readRun(redis: Redis, stream: string): Promise<RunAnnouncement | undefined> {
  const h = await redis.hgetall(runKey(stream));
  if (h.runId === undefined) return undefined;
  return {
    runId: h.runId,
    group: h.group ?? '',
    capacity: Number(h.capacity),
    claimIdleMs: Number(h.claimIdleMs),
    config: h.config ?? '{}',
    phase: (h.phase ?? 'running') as RunPhase,
  };
}

/** Publishes (or renews) rows, stamped with the server's time. */
export async function publishRows(redis: Redis, stream: string, rows: readonly RemoteWorkerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const at = await serverMs(redis);
  const fields: Record<string, string> = {};
  for (const row of rows) fields[row.id] = JSON.stringify({ ...row, publishedAtMs: at });
  await redis.hset(workersKey(stream), fields);
}

/** Every remote worker's row, marked stale when not renewed for `staleMs`. */
export async function readRows(redis: Redis, stream: string, staleMs = STALE_MS): Promise<RemoteWorkerReading[]> {
  const [now, all] = await Promise.all([serverMs(redis), redis.hgetall(workersKey(stream))]);
  return Object.values(all)
    .map((json) => JSON.parse(json) as Omit<RemoteWorkerReading, 'stale'>)
    .map((row) => {
      const finished = row.state === 'done' || row.state === 'failed';
      return { ...row, stale: !finished && now - row.publishedAtMs > staleMs };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
