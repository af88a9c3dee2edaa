/**
 * What `watch` shows of a stream, read-only: one sample is XINFO STREAM, XINFO GROUPS, and per
 * group XINFO CONSUMERS and the XPENDING summary, plus TIME (ages and rates use the server's
 * clock, so a watcher on another machine with a skewed clock still gets them right). Nothing here
 * writes to the broker: it is safe on anyone's stream.
 */
import type { Redis } from 'ioredis';

export interface ConsumerStats {
  name: string;
  /** Entries delivered to it and not yet acknowledged. */
  pending: number;
  /** Milliseconds since it last read or claimed. */
  idleMs: number;
}

export interface GroupStats {
  name: string;
  /** Entries delivered and not acknowledged (XPENDING). */
  pending: number;
  /** Entries not yet delivered to the group; null when Redis cannot tell (after deletions). */
  lag: number | null;
  lastDeliveredId: string;
  /** Age of the oldest pending entry (from its id's time), or null with nothing pending. */
  oldestPendingMs: number | null;
  consumers: ConsumerStats[];
}

/** One look at a stream. */
export interface StreamStats {
  /** The server's clock, epoch ms. */
  serverMs: number;
  exists: boolean;
  length: number;
  /** Every entry ever added (XINFO STREAM entries-added). */
  entriesAdded: number;
  lastId: string | null;
  groups: GroupStats[];
}

type Flat = Array<string | number | null | Flat>;

/** A flat [key, value, key, value…] reply as an object. */
function fields(reply: Flat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

/** Milliseconds of a stream id ("1700000000000-3" → 1700000000000). */
export const idTime = (id: string): number => Number(id.split('-')[0]);

/** Reads one sample; `group`: only that group (an absent group is listed with nothing in it). */
export async function readStreamStats(redis: Redis, stream: string, group?: string): Promise<StreamStats> {
  const [seconds, micros] = await redis.time();
  const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  let info: Record<string, unknown>;
  try {
    info = fields((await redis.call('XINFO', 'STREAM', stream)) as Flat);
  } catch (error) {
    if (/no such key/i.test((error as Error).message))
      return { serverMs, exists: false, length: 0, entriesAdded: 0, lastId: null, groups: [] };
    throw error;
  }
  const all = ((await redis.call('XINFO', 'GROUPS', stream)) as Flat[]).map(fields);
  const chosen = group === undefined ? all : all.filter((g) => g.name === group);
  const groups = await Promise.all(chosen.map((g) => readGroup(redis, stream, g, serverMs)));
  const lastId = String(info['last-generated-id'] ?? '0-0');
  return {
    serverMs,
    exists: true,
    length: Number(info.length),
    entriesAdded: Number(info['entries-added'] ?? 0),
    lastId: lastId === '0-0' ? null : lastId,
    groups,
  };
}

async function readGroup(
  redis: Redis,
  stream: string,
  g: Record<string, unknown>,
  serverMs: number,
): Promise<GroupStats> {
  const name = String(g.name);
  const [consumers, summary] = await Promise.all([
    redis.call('XINFO', 'CONSUMERS', stream, name) as Promise<Flat[]>,
    redis.xpending(stream, name) as Promise<[number, string | null, string | null, unknown]>,
  ]);
  const oldest = summary[1];
  return {
    name,
    pending: Number(g.pending),
    lag: g.lag === null || g.lag === undefined ? null : Number(g.lag),
    lastDeliveredId: String(g['last-delivered-id']),
    oldestPendingMs: oldest === null ? null : Math.max(0, serverMs - idTime(oldest)),
    consumers: consumers.map(fields).map((c) => ({
      name: String(c.name),
      pending: Number(c.pending),
      idleMs: Number(c.idle),
    })),
  };
}
