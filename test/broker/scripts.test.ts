/**
 * The broker's Lua scripts, each at its edges, on a real redis-server and called as the code calls
 * them (scriptsOf: by SHA): the put's room (entries waiting, not those being worked on) and its
 * wake-up registration, the read and the wake-up tokens, the batch ack with its duplicates, the
 * budget claim's share and its give-back, the stream's lease, and the once record that makes a
 * resent put, ack or claim harmless; and the semaphore's permits: leases, their reclaim and
 * renewal, the wake tokens and the high-water mark.
 * Then the files themselves: every one named, headed and shipped in the package.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { semaphoreKeys } from '../../src/broker/broker-semaphore.js';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { closeBroker, connectBroker } from '../../src/broker/connect.js';
import { runKey } from '../../src/broker/remote-board.js';
import { type Script, type ScriptName, scriptSources, scriptsOf } from '../../src/broker/scripts.js';
import { countsKey, onceKey, roomKey } from '../../src/broker/stream-queue.js';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GROUP = 'g';

let server: RedisServer;
let redis: Redis;
let s: Record<ScriptName, Script>;
let streams = 0;

/** A fresh stream with its group, and its keys. */
async function fresh() {
  const stream = `edge-${++streams}`;
  await redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
  return { stream, counts: countsKey(stream), once: onceKey(stream), room: roomKey(stream) };
}

type Keys = Awaited<ReturnType<typeof fresh>>;
const put = (k: Keys, capacity: number, client: string, seq: number, ...items: number[]) =>
  s.put(k.stream, k.counts, k.once, GROUP, capacity, 1000, client, seq, ...items.flatMap((n) => ['n', String(n)]));
const read = (k: Keys, consumer: string, count: number) =>
  s.read(k.stream, k.counts, k.room, GROUP, consumer, count) as Promise<Array<[string, string[]]>>;
const ack = (k: Keys, kind: string, client: string, seq: number, ids: string[]) =>
  s.ack(k.stream, k.counts, k.once, GROUP, kind, client, seq, ...ids);
const counts = async (k: Keys) => redis.hgetall(k.counts);

describe.skipIf(!HAS_REDIS)('the broker scripts on redis-server', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    redis = await connectBroker(parseBrokerUrl(server.url));
    s = scriptsOf(redis);
  });
  afterAll(async () => {
    if (redis) await closeBroker(redis);
    await server?.stop();
  });

  describe('put-3', () => {
    it('adds what fits under the capacity, counting entries waiting to be read, not those read', async () => {
      const k = await fresh();
      expect(await put(k, 3, 'p', 1, 1, 2, 3, 4, 5)).toBe('3');
      expect(await put(k, 3, 'p', 2, 6)).toBe('0'); // full: registers as waiting for room
      expect(await counts(k)).toMatchObject({ put: '3', wanted: '1' });
      await read(k, 'c', 2); // two are being worked on: two places are free again
      expect(await put(k, 3, 'p', 3, 6, 7, 8)).toBe('2');
      expect(await redis.xlen(k.stream)).toBe(5);
      const items = (await redis.xrange(k.stream, '-', '+')).map(([, f]) => f[5]);
      expect(items).toEqual(['1', '2', '3', '6', '7']);
    });

    it('answers a resent call from its record instead of adding again; an older one with ?', async () => {
      const k = await fresh();
      expect(await put(k, 10, 'p', 1, 1, 2)).toBe('2');
      expect(await put(k, 10, 'p', 1, 1, 2)).toBe('2'); // the same call again (a resend)
      expect(await redis.xlen(k.stream)).toBe(2);
      expect(await put(k, 10, 'p', 2, 3)).toBe('1');
      expect(await put(k, 10, 'p', 1, 1, 2)).toBe('?');
      expect(await put(k, 10, 'other', 1, 9)).toBe('1'); // another client's numbers are its own
      expect(await redis.xlen(k.stream)).toBe(4);
      expect((await counts(k)).put).toBe('4');
    });
  });

  describe('read-3 and room-2', () => {
    it('reads up to the count without blocking, and nothing from an empty stream', async () => {
      const k = await fresh();
      expect(await read(k, 'c', 5)).toEqual([]);
      await put(k, 10, 'p', 1, 1, 2, 3);
      const got = await read(k, 'c', 2);
      expect(got.map(([, f]) => f[5])).toEqual(['1', '2']);
      expect((await read(k, 'c', 5)).length).toBe(1);
      expect((await redis.xpending(k.stream, GROUP))[0]).toBe(3);
    });

    it('pushes one room token per producer that found no room, and resets the count', async () => {
      const k = await fresh();
      await put(k, 1, 'p', 1, 1);
      await put(k, 1, 'p', 2, 2);
      await put(k, 1, 'q', 1, 2);
      expect((await counts(k)).wanted).toBe('2');
      await read(k, 'c', 1);
      expect(await redis.lrange(k.room, 0, -1)).toEqual(['1', '1']);
      expect((await counts(k)).wanted).toBe('0');
      await read(k, 'c', 1); // nobody waiting: no token
      expect(await redis.llen(k.room)).toBe(2);
    });

    it('room-2 wakes the same way, and the list never grows past 64 tokens', async () => {
      const k = await fresh();
      await s.room(k.counts, k.room);
      expect(await redis.llen(k.room)).toBe(0);
      await redis.hset(k.counts, 'wanted', 50);
      await s.room(k.counts, k.room);
      await redis.hset(k.counts, 'wanted', 50);
      await s.room(k.counts, k.room);
      expect(await redis.llen(k.room)).toBe(64);
    });
  });

  describe('ack-3', () => {
    it('acknowledges and deletes a batch in one call, counting those acknowledged before as duplicates', async () => {
      const k = await fresh();
      await put(k, 10, 'p', 1, 1, 2, 3);
      const ids = (await read(k, 'c', 3)).map(([id]) => id);
      expect(await ack(k, 'acked', 'c', 1, ids.slice(0, 2))).toBe('2');
      expect(await redis.xlen(k.stream)).toBe(1);
      // The second was claimed and acknowledged by another consumer first: a delivery twice.
      expect(await ack(k, 'acked', 'd', 1, ids.slice(1))).toBe('1');
      expect(await counts(k)).toMatchObject({ put: '3', acked: '3', duplicates: '1' });
      expect(await redis.xlen(k.stream)).toBe(0);
      expect((await redis.xpending(k.stream, GROUP))[0]).toBe(0);
    });

    it('counts sentinels apart, never as duplicates, and a resent ack does not count twice', async () => {
      const k = await fresh();
      await redis.xadd(k.stream, '*', 't', 1, 'k', 'S', 'v', '');
      const [[id]] = (await read(k, 'c', 1)) as [[string, string[]]];
      expect(await ack(k, 'sentinels', 'c', 1, [id])).toBe('1');
      expect(await ack(k, 'sentinels', 'c', 1, [id])).toBe('1'); // resent: answered, not applied
      expect(await ack(k, 'sentinels', 'c', 2, [id])).toBe('0');
      expect(await counts(k)).toEqual({ sentinels: '1' });
    });
  });

  describe('claim-2', () => {
    const announce = (stream: string, fields: Record<string, string | number>) =>
      redis.hset(runKey(stream), { phase: 'running', limited: 1, ...fields });
    const claim = (stream: string, want: number, share: number, client: string, seq: number) =>
      s.claim(runKey(stream), onceKey(stream), want, share, client, seq);

    it('takes at most the budget left divided by the share, at least one, never past the end', async () => {
      await announce('budget', { remaining: 1000 });
      expect(await claim('budget', 64, 256, 'p', 1)).toBe('3'); // 1000 / 256
      expect(await claim('budget', 64, 1, 'p', 2)).toBe('64');
      await redis.hset(runKey('budget'), 'remaining', 5);
      expect(await claim('budget', 64, 256, 'p', 3)).toBe('1');
      expect(await claim('budget', 64, 1, 'p', 4)).toBe('4');
      expect(await claim('budget', 64, 1, 'p', 5)).toBe('0');
      expect(await redis.hget(runKey('budget'), 'remaining')).toBe('0');
    });

    it('gives nothing once the run has left running, and all that is asked without a limit', async () => {
      await announce('phases', { limited: 0, remaining: 0 });
      expect(await claim('phases', 64, 256, 'p', 1)).toBe('64');
      await redis.hset(runKey('phases'), 'phase', 'stopping');
      expect(await claim('phases', 64, 256, 'p', 2)).toBe('0');
    });

    it('takes nothing twice for a resent claim', async () => {
      await announce('resent', { remaining: 100 });
      expect(await claim('resent', 64, 1, 'p', 1)).toBe('64');
      expect(await claim('resent', 64, 1, 'p', 1)).toBe('64');
      expect(await redis.hget(runKey('resent'), 'remaining')).toBe('36');
    });
  });

  describe('give-back-1', () => {
    it('returns items to the budget of the run they were claimed from, while it is running', async () => {
      await redis.hset(runKey('given'), { runId: 'r1', phase: 'running', limited: 1, remaining: 10 });
      expect(await s.giveBack(runKey('given'), 5, 'r1')).toBe(1);
      expect(await redis.hget(runKey('given'), 'remaining')).toBe('15');
      expect(await s.giveBack(runKey('given'), 5, 'r0')).toBe(0); // another run's claim
      await redis.hset(runKey('given'), 'phase', 'stopping');
      expect(await s.giveBack(runKey('given'), 5, 'r1')).toBe(0); // the run no longer makes items
      await redis.hset(runKey('given'), { phase: 'running', limited: 0 });
      expect(await s.giveBack(runKey('given'), 5, 'r1')).toBe(0); // no budget to give back to
      expect(await redis.hget(runKey('given'), 'remaining')).toBe('15');
    });
  });

  describe('take-stream-1, renew-stream-2, release-stream-1', () => {
    const lease = 'leased:lease';
    it('one holder at a time; renewal keeps it, release lets go only for its holder', async () => {
      expect(await s.takeStream(lease, 'a', 60_000)).toBe('a');
      expect(await s.takeStream(lease, 'b', 60_000)).toBe('a');
      expect(await s.renewStream(lease, runKey('leased'), 'a', 60_000, '')).toBe('held');
      expect(await s.renewStream(lease, runKey('leased'), 'b', 60_000, '')).toBe('taken');
      expect(await s.releaseStream(lease, 'b')).toBe(0);
      expect(await s.releaseStream(lease, 'a')).toBe(1);
      expect(await s.takeStream(lease, 'b', 60_000)).toBe('b');
      expect(await s.releaseStream(lease, 'b')).toBe(1);
    });

    it('renewal takes back an expired hold, and says when the run announced is gone or replaced', async () => {
      expect(await s.renewStream(lease, runKey('leased'), 'a', 60_000, '')).toBe('held'); // expired: taken back
      expect(await s.renewStream(lease, runKey('leased'), 'a', 60_000, 'r1')).toBe('data-lost');
      await redis.hset(runKey('leased'), 'runId', 'r2');
      expect(await s.renewStream(lease, runKey('leased'), 'a', 60_000, 'r1')).toBe('taken');
      await redis.hset(runKey('leased'), 'runId', 'r1');
      expect(await s.renewStream(lease, runKey('leased'), 'a', 60_000, 'r1')).toBe('held');
      expect(await redis.pttl(lease)).toBeGreaterThan(0);
      await s.releaseStream(lease, 'a');
    });
  });

  describe('requeue-1, touch-1, purge-sentinels-1', () => {
    it('requeue gives pending entries back as new ones; touch keeps only what the consumer owns', async () => {
      const k = await fresh();
      await put(k, 10, 'p', 1, 1, 2);
      const ids = (await read(k, 'c', 2)).map(([id]) => id);
      await redis.xclaim(k.stream, GROUP, 'd', 0, ids[1]!, 'JUSTID'); // the second is d's now
      expect(await s.touch(k.stream, GROUP, 'c', ...ids)).toEqual([ids[0]]);
      expect(await s.requeue(k.stream, GROUP, ...ids, '1-1')).toBe(2);
      const again = await redis.xrange(k.stream, '-', '+');
      expect(again.map(([, f]) => f[5])).toEqual(['1', '2']);
      expect(again.map(([id]) => id)).not.toContain(ids[0]);
      expect((await redis.xpending(k.stream, GROUP))[0]).toBe(0);
    });

    it('purge removes every sentinel, read or not, and nothing else', async () => {
      const k = await fresh();
      await redis.xadd(k.stream, '*', 't', 1, 'k', 'S', 'v', '');
      await put(k, 10, 'p', 1, 1);
      await redis.xadd(k.stream, '*', 't', 1, 'k', 'S', 'v', '');
      await read(k, 'c', 1);
      expect(await s.purgeSentinels(k.stream, GROUP)).toBe(2);
      expect((await redis.xrange(k.stream, '-', '+')).map(([, f]) => f[5])).toEqual(['1']);
      expect((await redis.xpending(k.stream, GROUP))[0]).toBe(0);
    });
  });

  describe('acquire-permit-3, release-permit-4, renew-permits-2, count-permits-2', () => {
    let semaphores = 0;
    const LEASE = 60_000;
    const fresh = () => semaphoreKeys(`sem-${++semaphores}`);
    type Keys = ReturnType<typeof fresh>;
    const acquire = (k: Keys, size: number, holder: string, wait = 1) =>
      s.acquirePermit(k.leases, k.permits, k.wake, size, holder, LEASE, wait) as Promise<[number, number]>;
    const release = (k: Keys, size: number, holder: string, seq: number) =>
      s.releasePermit(k.leases, k.permits, k.wake, k.once, size, holder, 'client', seq);
    const renew = (k: Keys, size: number, ...holders: string[]) =>
      s.renewPermits(k.leases, k.permits, size, LEASE, ...holders) as Promise<string[]>;
    const count = (k: Keys) => s.countPermits(k.leases, k.permits) as Promise<number[]>;
    /** Makes `holder`'s lease one that expired (its holder stopped renewing it long ago). */
    const expire = (k: Keys, holder: string) => redis.zadd(k.leases, 'XX', 1, holder);

    it('gives out at most size permits, keeps the high-water mark, tells a waiter when a lease ends', async () => {
      const k = fresh();
      expect(await acquire(k, 2, 'a')).toEqual([1, 1]);
      expect(await acquire(k, 2, 'b')).toEqual([1, 2]);
      const [taken, untilExpiry] = await acquire(k, 2, 'c');
      expect(taken).toBe(0);
      expect(untilExpiry).toBeGreaterThan(0);
      expect(untilExpiry).toBeLessThanOrEqual(LEASE);
      expect(await acquire(k, 2, 'd', 0)).toEqual([0, expect.any(Number)]); // not waiting: not registered
      expect(await redis.hgetall(k.permits)).toMatchObject({
        size: '2',
        maxInUse: '2',
        acquisitions: '2',
        wanted: '1',
      });
      expect(await acquire(k, 2, 'a')).toEqual([1, 2]); // a resent acquire renews, takes nothing more
      expect((await redis.hgetall(k.permits)).acquisitions).toBe('2');
      expect(await count(k)).toEqual([2, 2, 2, 0]);
    });

    it('refuses a size other than the one recorded; a size of 0 never gives a permit', async () => {
      const k = fresh();
      await acquire(k, 2, 'a');
      await expect(acquire(k, 3, 'b')).rejects.toThrow(/WRONGSIZE 2/);
      expect(await acquire(fresh(), 0, 'a')).toEqual([0, -1]);
    });

    it('reclaims an expired lease for the next acquire, counting it, and wakes waiters for the rest', async () => {
      const k = fresh();
      await acquire(k, 2, 'a');
      await acquire(k, 2, 'b');
      await acquire(k, 2, 'w1');
      await acquire(k, 2, 'w2'); // two waiters registered
      await expire(k, 'a');
      await expire(k, 'b');
      expect(await count(k)).toEqual([0, 2, 2, 0]); // in use counts live leases only
      expect(await acquire(k, 2, 'c', 0)).toEqual([1, 1]);
      expect(await redis.hgetall(k.permits)).toMatchObject({ expired: '2', wanted: '1' });
      expect(await redis.lrange(k.wake, 0, -1)).toEqual(['1']); // one token for the permit still free
    });

    it('release frees the lease, wakes one waiter; an unknown holder is 0; a resend is answered', async () => {
      const k = fresh();
      await acquire(k, 1, 'a');
      expect(await release(k, 1, 'a', 1)).toBe('1');
      expect(await redis.llen(k.wake)).toBe(0); // nobody waited: no token
      await acquire(k, 1, 'a2');
      await acquire(k, 1, 'w'); // waits
      expect(await release(k, 1, 'a2', 2)).toBe('1');
      expect(await redis.lrange(k.wake, 0, -1)).toEqual(['1']);
      expect(await release(k, 1, 'a2', 2)).toBe('1'); // the same call resent: not a lost lease
      expect(await release(k, 1, 'a2', 3)).toBe('0'); // a new release of it: it has no lease
      expect(await redis.llen(k.wake)).toBe(1);
    });

    it('renewal extends leases, takes back a vanished one while a permit is free, and reports the lost', async () => {
      const k = fresh();
      await acquire(k, 2, 'a');
      await redis.zadd(k.leases, 'XX', Date.now() + 100, 'a'); // about to expire
      expect(await renew(k, 2, 'a')).toEqual([]);
      expect(Number(await redis.zscore(k.leases, 'a'))).toBeGreaterThan(Date.now() + LEASE / 2);
      await redis.del(k.leases, k.permits); // the broker lost its data
      expect(await renew(k, 2, 'a')).toEqual([]);
      expect(await count(k)).toEqual([1, 1, 0, 0]);
      await acquire(k, 2, 'b');
      await expire(k, 'a');
      await acquire(k, 2, 'c'); // takes a's reclaimed permit
      expect(await renew(k, 2, 'a', 'b')).toEqual(['a']);
      expect(await count(k)).toEqual([2, 2, 2, 1]);
    });
  });
});

describe('the script files', () => {
  const dir = `${ROOT}src/broker/scripts/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.lua'));

  it('are every one loaded, named name-numberOfKeys.lua, with an Input/Output header and includes in place', () => {
    const sources = scriptSources();
    expect(files.length).toBe(sources.size);
    for (const file of files) {
      const text = readFileSync(`${dir}${file}`, 'utf8');
      expect(text, file).toMatch(/^--\[\[[\s\S]*\n {2}Input:\n[\s\S]*\n {2}Output:\n[\s\S]*?\]\]/);
      const keys = Number(/-(\d+)\.lua$/.exec(file)![1]);
      const named = [...text.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(Math.max(0, ...named), file).toBe(keys);
    }
    for (const { lua } of sources.values()) expect(lua).not.toMatch(/@include/);
  });

  it('are in the built package', () => {
    ensureBuilt();
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const packed = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const file of [...files, 'includes/once.lua', 'includes/wake.lua', 'includes/permits.lua'])
      expect(packed).toContain(`dist/broker/scripts/${file}`);
  }, 120_000);
});
