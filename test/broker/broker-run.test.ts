/**
 * A whole run on a real redis-server (`startPipeline` with a StreamLink): the run's own producers
 * and consumers work on the stream, counted exactly by the server and on the board, the run is
 * announced and then marked done there, and the password never reaches a Snapshot. A remote
 * consumer killed while it holds items loses none: the run's own consumer claims them.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINISHED_RUN_TTL_S } from '../../src/broker/remote-board.js';
import { StreamLink } from '../../src/broker/stream-link.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import { runPipeline, startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;
const HANGING = new URL('../fixtures/user/hanging-consumer.mjs', import.meta.url).pathname;
const SLOW = new URL('../fixtures/user/slow-consumer.mjs', import.meta.url).pathname;

describe.skipIf(!HAS_REDIS)('a run on a Redis stream', () => {
  let server: RedisServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ password: 'r-u-n pw' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('moves every item exactly once with 3 producers and 3 consumers, and ends the run on the broker', async () => {
    const url = `redis://:${encodeURIComponent('r-u-n pw')}@127.0.0.1:${server.port}`;
    const link = await StreamLink.open(url, { stream: 'exact' });
    const seen: string[] = [];
    const summary = await within(
      runPipeline(
        { producers: 3, consumers: 3, items: 1500, capacity: 32, produceMs: 0, consumeMs: 0, refreshMs: 50 },
        { broker: link, onSnapshot: (s: Snapshot) => seen.push(JSON.stringify(s)) },
      ),
      DEADLINE_MS * 3,
      'the run',
    );
    expect(summary.endedBy).toBe('completed');
    expect(summary.produced).toBe(1500);
    expect(summary.consumed).toBe(1500);
    const workers = summary.workers;
    expect(workers.filter((w) => w.role === 'producer').reduce((n, w) => n + w.items, 0)).toBe(1500);
    expect(workers.filter((w) => w.role === 'consumer').reduce((n, w) => n + w.items, 0)).toBe(1500);
    expect(workers.every((w) => w.state === 'done')).toBe(true);
    expect(summary.shutdown.sentinelsSent).toBe(3);
    expect(summary.broker).toEqual({
      address: `redis://:***@127.0.0.1:${server.port}`,
      stream: 'exact',
      group: 'pipeline-tui',
      duplicates: 0,
      remoteWorkers: 0,
    });
    expect(server.cli('XLEN', 'exact').trim()).toBe('0');
    expect(server.cli('HGET', 'exact:counts', 'acked').trim()).toBe('1500');
    expect(server.cli('HGET', 'exact:run', 'phase').trim()).toBe('done');
    expect(seen.some((s) => s.includes('r-u-n') || s.includes('pw'))).toBe(false);
    // The run's bookkeeping, and the stream it emptied, expire after a day (issue 21).
    for (const key of ['exact', 'exact:run', 'exact:counts']) {
      const ttl = Number(server.cli('TTL', key));
      expect(ttl, key).toBeGreaterThan(FINISHED_RUN_TTL_S - 600);
      expect(ttl, key).toBeLessThanOrEqual(FINISHED_RUN_TTL_S);
    }
    // The next run on the stream keeps it for as long as it needs.
    const next = await StreamLink.open(url, { stream: 'exact' });
    await next.announce(resolveConfig({ items: 1 }), () => true);
    expect(server.cli('TTL', 'exact').trim()).toBe('-1');
    expect(server.cli('TTL', 'exact:run').trim()).toBe('-1');
    await next.disconnect();
  });

  it('loses nothing when a remote consumer is killed holding items: the others claim them', async () => {
    const stream = 'killed';
    const gate = join(scratchDir('gate-killed'), 'gate');
    process.env.PT_GATE = gate; // the run's own consumer waits behind it (workers inherit the env)
    const link = await StreamLink.open(server.url, { stream, claimIdleMs: 1000 });
    const config = { producers: 1, consumers: 1, items: 100, capacity: 16, produceMs: 0, refreshMs: 50 };
    const run = startPipeline({ ...config, consumer: GATED, stallMs: 120_000 }, { broker: link });
    // A worker process whose consumer takes entries and never finishes the first.
    const worker = startCli(
      ['worker', '--broker', server.url, '--stream', stream, '--role', 'consumer', '--consumer', HANGING],
      { deadlineMs: 120_000 },
    );
    const victim = `C1@${hostname()}:${worker.child.pid}`;
    const held = () => server.cli('XPENDING', stream, 'pipeline-tui', '-', '+', '100', victim).trim();
    await untilAsync(async () => held() !== '', 'the doomed consumer to hold entries');
    worker.child.kill('SIGKILL');
    await worker.result;
    writeFileSync(gate, '');
    const summary = await within(run.done, DEADLINE_MS * 3, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([100, 100]);
    expect(summary.broker?.duplicates).toBe(0);
    const dead = summary.workers.find((w) => w.id === victim);
    expect(dead).toMatchObject({ state: 'failed', error: 'silent for more than 5 s' });
    expect(server.cli('XLEN', stream).trim()).toBe('0');
  }, 120_000);

  it('a consumer waiting for a pool permit longer than the claim idle time keeps its entry: no duplicate', async () => {
    // Pool 1, six consumers, 300 ms per item: five of them hold entries while they wait for the
    // permit, about 1.5 s, past the 1 s after which an idle entry may be claimed by another consumer
    // (an item being handled may be claimed too, by design, but 300 ms of handling stays under it).
    const link = await StreamLink.open(server.url, { stream: 'permit-wait', claimIdleMs: 1000 });
    const config = { producers: 1, consumers: 6, pool: 1, items: 12, capacity: 4, consumeMs: 300, refreshMs: 50 };
    const summary = await within(runPipeline(config, { broker: link }), DEADLINE_MS * 3, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([12, 12]);
    expect(summary.broker?.duplicates).toBe(0);
    expect(summary.pool?.maxInUse).toBe(1);
    expect(server.cli('HGET', 'permit-wait:counts', 'acked').trim()).toBe('12');
  }, 120_000);

  it("an async item handled longer than the claim idle time stays its consumer's: no duplicate", async () => {
    // Each item takes 1.2 s, past the 400 ms after which an idle entry may be claimed; the
    // consumer is alive (its thread free while the promise is pending) and keeps its entry.
    process.env.PT_CONSUME_MS = '1200';
    try {
      const link = await StreamLink.open(server.url, { stream: 'slow-items', claimIdleMs: 400 });
      const config = { producers: 1, consumers: 3, items: 6, capacity: 4, consumer: SLOW, refreshMs: 50 };
      const summary = await within(runPipeline(config, { broker: link }), DEADLINE_MS * 3, 'the run');
      expect(summary.endedBy).toBe('completed');
      expect([summary.produced, summary.consumed]).toEqual([6, 6]);
      expect(summary.broker?.duplicates).toBe(0);
      expect(server.cli('HGET', 'slow-items:counts', 'acked').trim()).toBe('6');
    } finally {
      delete process.env.PT_CONSUME_MS;
    }
  }, 120_000);

  it('a stalled run says none of the consumers it had to terminate exited', async () => {
    const link = await StreamLink.open(server.url, { stream: 'stalled' });
    const config = { producers: 1, consumers: 2, items: 10, consumer: HANGING, stallMs: 1500, refreshMs: 50 };
    const summary = await within(runPipeline(config, { broker: link }), DEADLINE_MS * 3, 'the run');
    expect(summary.endedBy).toBe('stalled');
    expect(summary.shutdown.consumersExited).toBe(0);
  }, 120_000);

  it('ends as failed, not stuck, when its only consumer fails and the producer waits on a full stream', async () => {
    const link = await StreamLink.open(server.url, { stream: 'failing' });
    const throwing = new URL('../fixtures/user/throwing-consumer.mjs', import.meta.url).pathname;
    const config = { producers: 1, consumers: 1, items: 500, capacity: 4, produceMs: 0, consumer: throwing };
    const summary = await within(runPipeline(config, { broker: link }), DEADLINE_MS, 'the failed run');
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/^C1 failed: /);
    expect(summary.workers.find((w) => w.id === 'P1')?.state).toBe('done');
    expect(server.cli('HGET', 'failing:run', 'phase').trim()).toBe('failed');
    // Its bookkeeping expires; the stream keeps the items nobody acknowledged, for the next run.
    expect(Number(server.cli('TTL', 'failing:run'))).toBeGreaterThan(0);
    expect(Number(server.cli('XLEN', 'failing'))).toBeGreaterThan(0);
    expect(server.cli('TTL', 'failing').trim()).toBe('-1');
  });
});
