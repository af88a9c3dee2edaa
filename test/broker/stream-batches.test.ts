/**
 * The broker's batches in whole runs on a real redis-server: a slow item does not hold back the
 * acknowledgement of the items finished before it in its batch (nobody would have to claim them), and a server killed
 * (SIGKILL) and restarted from its append-only file mid-run loses nothing and adds nothing twice —
 * ioredis resends the scripts that had no reply, and the once record answers them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamLink } from '../../src/broker/stream-link.js';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import { ensureBuilt } from '../helpers/dist.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

const SLOW_ITEM = new URL('../fixtures/user/slow-item-consumer.mjs', import.meta.url).pathname;
const SLEEPY = new URL('../fixtures/user/gated-sleepy-consumer.mjs', import.meta.url).pathname;

describe.skipIf(!HAS_REDIS)('batches on a Redis stream', () => {
  let server: RedisServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ durable: true });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const acked = (stream: string): number => Number(server.cli('HGET', `${stream}:counts`, 'acked').trim() || 0);

  it('acknowledges the fast items of a batch while a slow one in it is still being worked on', async () => {
    const stream = 'slow-item';
    const gate = join(scratchDir('slow-item'), 'gate');
    process.env.PT_GATE = gate; // the consumers' threads inherit it
    // A claim time far beyond the test: a fast item acknowledged here was never claimed by anyone.
    const link = await StreamLink.open(server.url, { stream, claimIdleMs: 600_000 });
    const items = 40;
    const config = { producers: 1, consumers: 1, items, capacity: 64, produceMs: 0, refreshMs: 50 };
    const run = startPipeline({ ...config, consumer: SLOW_ITEM, stallMs: 600_000 }, { broker: link });
    // Items 0 and 1 are read in one batch with item 2 (the prefetch) and finished before it: they are
    // acknowledged while it waits, not when the batch is done.
    await untilAsync(async () => acked(stream) === 2, 'the items before the slow one acknowledged', DEADLINE_MS);
    const pending = server.cli('XPENDING', stream, 'pipeline-tui', '-', '+', '100').trim().split('\n');
    const pendingIds = pending.filter((_, i) => i % 4 === 0);
    const first = server.cli('XRANGE', stream, '-', '+', 'COUNT', '1').trim().split('\n');
    expect(pendingIds[0]).toBe(first[0]); // the oldest entry left is the slow one (item 2), still pending
    expect(first.at(-1)).toBe('2');
    writeFileSync(gate, '');
    const summary = await within(run.done, DEADLINE_MS, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed, summary.broker?.duplicates]).toEqual([items, items, 0]);
  }, 180_000);

  it('acknowledges a batch in a script or two, not one per item, when each item blocks its thread', async () => {
    const stream = 'sleepy';
    const gate = join(scratchDir('sleepy'), 'gate');
    process.env.PT_GATE = gate; // the consumers' threads inherit it
    const xackCalls = (): number =>
      Number(/cmdstat_xack:calls=(\d+)/.exec(server.cli('INFO', 'commandstats'))?.[1] ?? 0);
    const before = xackCalls();
    const link = await StreamLink.open(server.url, { stream, claimIdleMs: 600_000 });
    const items = 40;
    const config = { producers: 1, consumers: 1, items, capacity: 64, produceMs: 0, refreshMs: 50 };
    const run = startPipeline({ ...config, consumer: SLEEPY, stallMs: 600_000 }, { broker: link });
    // Every item in the stream before the consumer takes its second: each read after that is a whole
    // prefetch (4), so what is counted below does not rest on the producer keeping ahead.
    const put = (): number => Number(server.cli('HGET', `${stream}:counts`, 'put').trim() || 0);
    await untilAsync(async () => put() === items, 'every item put', DEADLINE_MS);
    writeFileSync(gate, '');
    const summary = await within(run.done, DEADLINE_MS, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed, summary.broker?.duplicates]).toEqual([items, items, 0]);
    // Items of 10 ms: what is held goes once the first of it has waited 20 ms (the third item of a
    // batch of 4) and when the batch is done — two scripts per batch (a slower machine makes fewer),
    // where one script per item would be 40, and one more for the sentinel.
    expect(xackCalls() - before).toBeLessThanOrEqual((items / 4) * 2 + 2);
  }, 180_000);

  it('adds nothing twice and loses nothing when the server is killed and restarted from its AOF mid-run', {
    timeout: 300_000,
  }, async () => {
    const stream = 'restarted';
    const items = 6000;
    const link = await StreamLink.open(server.url, { stream });
    const config = { producers: 2, consumers: 4, items, capacity: 64, produceMs: 0, consumeMs: 0, refreshMs: 50 };
    const run = startPipeline({ ...config, stallMs: 600_000 }, { broker: link });
    const put = (): number => Number(server.cli('HGET', `${stream}:counts`, 'put').trim() || 0);
    await untilAsync(async () => put() >= items / 4, 'a quarter of the items put', DEADLINE_MS);
    await server.restart();
    const summary = await within(run.done, DEADLINE_MS * 2, 'the run after the restart');
    expect(summary.error).toBeUndefined();
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([items, items]);
    const counts = server.cli('HGETALL', `${stream}:counts`).trim().split('\n');
    const count = (field: string): number => Number(counts[counts.indexOf(field) + 1] ?? 0);
    expect([count('put'), count('acked')]).toEqual([items, items]);
    // Anything claimed from a consumer that waited out the restart and then finished it too is said.
    expect(summary.broker?.duplicates).toBe(counts.includes('duplicates') ? count('duplicates') : 0);
    expect(server.cli('XLEN', stream).trim()).toBe('0');
  });
});
