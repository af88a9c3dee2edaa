/**
 * BrokerSemaphore on a real redis-server, used by real processes (test/fixtures/permit-holder.mjs,
 * on the built package): the bound under contention from three processes, proved by the server's
 * own high-water mark; a SIGKILLed holder's permit coming back once its lease expires (and not
 * before, while a live holder renews it); the toolkit's acquire/release contract (false on a
 * timeout, a typed error for a release without an acquire); and what a broker restart does to
 * the permits held, with and without persistence.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerSemaphore, PermitLostError } from '../../src/broker/broker-semaphore.js';
import { SemaphoreOverReleaseError } from '../../src/sync/errors.js';
import { ensureBuilt } from '../helpers/dist.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { userEnv } from '../helpers/user-env.js';

const HOLDER = fileURLToPath(new URL('../fixtures/permit-holder.mjs', import.meta.url));
/** How long a process may take to finish its part (a loaded machine, not a fast one). */
const DEADLINE_MS = 90_000;

interface Child {
  child: ChildProcess;
  stdout: string;
  exited: Promise<number | null>;
}

const children: Child[] = [];

function startHolder(...args: Array<string | number>): Child {
  const child = spawn(process.execPath, [HOLDER, ...args.map(String)], {
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state: Child = { child, stdout: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (state.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  void state.exited.then((code) => {
    if (code !== 0 && code !== null) state.stdout += `\nexit ${code}: ${stderr}`;
  });
  children.push(state);
  return state;
}

let names = 0;
const freshName = (): string => `sem-test-${++names}`;

describe.skipIf(!HAS_REDIS)('BrokerSemaphore on redis-server', () => {
  let server: RedisServer;
  const opened: BrokerSemaphore[] = [];
  const open = async (name: string, value: number, leaseMs?: number, url = server.url) => {
    const semaphore = await BrokerSemaphore.open(url, { name, value, ...(leaseMs ? { leaseMs } : {}) });
    opened.push(semaphore);
    return semaphore;
  };

  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer();
  }, 120_000);
  afterEach(async () => {
    for (const c of children.splice(0)) c.child.kill('SIGKILL');
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('three processes of three consumers on 2 permits never hold more than 2 at once (the server says)', async () => {
    const name = freshName();
    const rounds = 15;
    const procs = [1, 2, 3].map(() => startHolder('contend', server.url, name, 2, 3, rounds));
    await Promise.race([
      Promise.all(procs.map((p) => p.exited)),
      new Promise((_, reject) => setTimeout(() => reject(new Error('contending processes did not end')), DEADLINE_MS)),
    ]);
    for (const p of procs) expect(p.stdout.trim()).toBe(`done ${3 * rounds}`);
    const counts = await (await open(name, 2)).counts();
    expect(counts.maxInUse).toBeLessThanOrEqual(2);
    expect(counts).toMatchObject({ inUse: 0, acquisitions: 3 * 3 * rounds, expired: 0 });
  }, 120_000);

  it("a SIGKILLed holder's permit comes back once its lease expires, not while a live holder renews it", async () => {
    const name = freshName();
    const leaseMs = 1_500;
    const holder = startHolder('hold', server.url, name, 1, leaseMs);
    await untilAsync(async () => holder.stdout.includes('holding'), 'the holder took its permit', DEADLINE_MS);
    const other = await open(name, 1, leaseMs);
    // Twice the lease: renewed every third of it, the live holder's permit stays taken.
    expect(await other.acquire({ timeout: 2 * leaseMs })).toBe(false);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(await other.acquire({ timeout: DEADLINE_MS })).toBe(true);
    expect(await other.counts()).toMatchObject({ inUse: 1, maxInUse: 1, expired: 1 });
    await other.release();
  }, 120_000);

  it('acquire is false on a timeout or when not blocking, and validates its options as the toolkit does', async () => {
    const semaphore = await open(freshName(), 1);
    expect(await semaphore.acquire()).toBe(true);
    expect(await semaphore.acquire({ blocking: false })).toBe(false);
    expect(await semaphore.acquire({ timeout: 50 })).toBe(false);
    await expect(semaphore.acquire({ blocking: false, timeout: 5 })).rejects.toThrow(TypeError);
    await expect(semaphore.acquire({ timeout: -1 })).rejects.toThrow(RangeError);
    expect(semaphore.holding).toBe(1);
    await semaphore.release();
    expect(await semaphore.acquire({ blocking: false })).toBe(true);
    await semaphore.release();
  });

  it('a waiter is woken by a release in another connection', async () => {
    const name = freshName();
    const [a, b] = [await open(name, 1), await open(name, 1)];
    await a.acquire();
    const waiting = b.acquire({ timeout: DEADLINE_MS });
    await untilAsync(async () => (await server.cli('HGET', `${name}:permits`, 'wanted')).trim() === '1', 'b waits');
    await a.release();
    expect(await waiting).toBe(true);
    expect(await b.counts()).toMatchObject({ inUse: 1, acquisitions: 2, expired: 0 });
  });

  it('resize: lowering revokes no permit, gives none while the bound is reached; raising wakes', async () => {
    const name = freshName();
    const [a, b, c] = [await open(name, 3), await open(name, 3), await open(name, 3)];
    await a.acquire();
    await a.acquire();
    await b.acquire();
    expect(await c.resize(1)).toBe(3); // three held: none revoked
    expect([await c.bound(), a.holding, b.holding]).toEqual([1, 2, 1]);
    await a.release();
    expect(await c.acquire({ blocking: false })).toBe(false); // two held, the bound is one
    await a.release();
    expect(await c.acquire({ blocking: false })).toBe(false); // one held: the bound is reached
    const waiting = c.acquire({ timeout: DEADLINE_MS });
    await untilAsync(async () => (await server.cli('HGET', `${name}:permits`, 'wanted')).trim() === '1', 'c waits');
    expect(await a.resize(2)).toBe(1); // the raise wakes c at once; b still holds its permit
    expect(await waiting).toBe(true);
    expect(await c.counts()).toMatchObject({ inUse: 2, maxInUse: 3 });
    await expect(a.resize(0)).rejects.toThrow(RangeError);
    await b.release();
    await c.release();
  });

  it('release with no permit held here throws SemaphoreOverReleaseError; another value is refused', async () => {
    const name = freshName();
    const [a, b] = [await open(name, 2), await open(name, 2)];
    await expect(a.release()).rejects.toThrow(SemaphoreOverReleaseError);
    await a.acquire();
    await expect(b.release()).rejects.toThrow(/release only what you acquired/); // a's permit is a's
    await a.release();
    await expect(a.release()).rejects.toThrow(SemaphoreOverReleaseError);
    await expect(open(name, 3)).rejects.toThrow(/has 2 permits on the broker, not 3/);
    await expect(open(name, -1)).rejects.toThrow(RangeError);
  });

  it('a permit whose lease was taken back and given to another is reported lost at release', async () => {
    const name = freshName();
    const [a, b] = [await open(name, 1, 60_000), await open(name, 1, 60_000)];
    await a.acquire();
    await server.cli(
      'ZADD',
      `${name}:leases`,
      'XX',
      '1',
      (await server.cli('ZRANGE', `${name}:leases`, '0', '0')).trim(),
    );
    expect(await b.acquire({ blocking: false })).toBe(true); // a's lease had expired: reclaimed
    await expect(a.release()).rejects.toThrow(PermitLostError);
    expect(await b.counts()).toMatchObject({ inUse: 1, maxInUse: 1, expired: 1 });
  });
});

describe.skipIf(!HAS_REDIS)('BrokerSemaphore across a broker restart', () => {
  let durable: RedisServer;
  let volatile: RedisServer;
  const opened: BrokerSemaphore[] = [];
  const open = async (server: RedisServer, name: string, leaseMs: number) => {
    const semaphore = await BrokerSemaphore.open(server.url, { name, value: 1, leaseMs });
    opened.push(semaphore);
    return semaphore;
  };
  beforeAll(async () => {
    [durable, volatile] = await Promise.all([startRedisServer({ durable: true }), startRedisServer()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await Promise.all([durable?.stop(), volatile?.stop()]);
  });

  it('with persistence (AOF), the leases and the record survive it: the bound holds', async () => {
    const [a, b] = [await open(durable, 'kept', 60_000), await open(durable, 'kept', 60_000)];
    await a.acquire();
    await durable.restart();
    expect(await b.acquire({ blocking: false })).toBe(false);
    expect(await b.counts()).toMatchObject({ inUse: 1, maxInUse: 1, acquisitions: 1 });
    await a.release();
    expect(await b.acquire({ blocking: false })).toBe(true);
  }, 60_000);

  it('without persistence the leases are gone; the holder takes its permit back at its next renewal', async () => {
    const leaseMs = 600;
    const [a, b] = [await open(volatile, 'forgotten', leaseMs), await open(volatile, 'forgotten', leaseMs)];
    await a.acquire();
    await volatile.restart();
    // Until a renews (within a third of its lease), a new acquirer would get a second permit: the
    // bound is only as good as the broker's memory. After it, the server counts a's permit again.
    await untilAsync(async () => (await b.counts()).inUse === 1, "a's renewal took its permit back", 30_000);
    expect(await b.acquire({ blocking: false })).toBe(false);
    await a.release();
    expect(await b.acquire({ blocking: false })).toBe(true);
  }, 60_000);
});
