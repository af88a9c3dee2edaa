/**
 * `--autoscale` on a Redis stream (a real redis-server): the run grows its own consumers on the
 * stream. Sleep-based work whose best count is known by construction, so the machine's speed does
 * not decide it: one feed delivering an item every 4 ms (250/s; only the first producer reads it),
 * consumers at 16 ms an item (62.5/s each) — four consumers carry the feed, more gain nothing.
 * Stopped once the autoscaler has settled; every item the run made was consumed exactly once, as
 * the server and the board both count it (a consumer taken back left with its items done).
 * And the run's pool on the server (a BrokerSemaphore), resized while consumers work.
 */
import { describe, expect, it } from 'vitest';
import { StreamLink } from '../../src/broker/stream-link.js';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { until } from '../helpers/poll.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { within } from '../helpers/workers.js';
import { runUntilSettled, userModule } from '../pipeline/helpers.js';

describe.skipIf(!HAS_REDIS)('autoscale on a Redis stream', () => {
  const suite = redisSuite('auto-scale pw');

  it("grows the run's own consumers to the four that carry the feed, and every item is consumed once", async () => {
    process.env.PT_FEED_MS = '4';
    try {
      const { server } = suite;
      const link = await StreamLink.open(server.url, { stream: 'autoscaled' });
      const { summary, seen } = await runUntilSettled(
        { producers: 1, consumers: 1, producer: userModule('feed-producer'), consumeMs: 16 },
        { broker: link },
      );
      expect(summary.endedBy, summary.error).toBe('stopped');
      const a = summary.autoscale!;
      expect(a.done).toBe(true);
      const [producers, consumers] = a.workers as [number, number];
      expect(Math.abs(consumers - 4)).toBeLessThanOrEqual(1);
      expect(producers).toBeLessThanOrEqual(2);
      expect(a.decisions.filter((d) => d.text.startsWith('+1 consumer')).length).toBeGreaterThanOrEqual(2);
      // The run's own workers are those counts at the end.
      const last = seen.filter((s) => s.state === 'running').at(-1)!;
      expect(last.stages.map((s) => s.running)).toEqual(a.workers);
      expect(last.workers.length).toBe(summary.workers.length); // none joined from elsewhere

      // Exactly once: what was made was consumed, by the board and by the server.
      expect(summary.consumed).toBe(summary.produced);
      const items = (role: string) => summary.workers.filter((w) => w.role === role).reduce((n, w) => n + w.items, 0);
      expect(items('producer')).toBe(summary.produced);
      expect(items('consumer')).toBe(summary.consumed);
      expect(summary.broker!.duplicates).toBe(0);
      expect(server.cli('HGET', 'autoscaled:counts', 'acked').trim()).toBe(String(summary.produced));
      expect(server.cli('XLEN', 'autoscaled').trim()).toBe('0');
      expect(server.cli('XPENDING', 'autoscaled', 'pipeline-tui').split('\n')[0]!.trim()).toBe('0');
      expect(server.cli('HGET', 'autoscaled:run', 'phase').trim()).toBe('done');
    } finally {
      delete process.env.PT_FEED_MS;
    }
  }, 300_000);

  it("raises the server's pool when it holds the consumers back, to the size that carries the feed", async () => {
    // The feed at 4 ms (250/s), eight consumers at 16 ms (62.5/s each) behind one permit: four carry it.
    process.env.PT_FEED_MS = '4';
    try {
      const link = await StreamLink.open(suite.server.url, { stream: 'autopool' });
      const { summary, seen } = await runUntilSettled(
        { producers: 1, consumers: 8, pool: 1, producer: userModule('feed-producer'), consumeMs: 16 },
        { broker: link },
      );
      expect(summary.endedBy, summary.error).toBe('stopped');
      const a = summary.autoscale!;
      expect(a.done).toBe(true);
      expect(Math.abs(a.pool! - 4)).toBeLessThanOrEqual(1);
      expect(a.decisions.filter((d) => d.text.startsWith('+1 pool permit')).length).toBeGreaterThanOrEqual(2);
      expect(summary.pool!.size).toBe(a.pool);
      for (const s of seen) expect(s.pool!.inUse).toBeLessThanOrEqual(s.pool!.size);
      expect(summary.pool!.maxInUse).toBeLessThanOrEqual(Math.max(...seen.map((s) => s.pool!.size)));
      expect(summary.consumed).toBe(summary.produced);
      expect(suite.server.cli('HGET', 'autopool:counts', 'acked').trim()).toBe(String(summary.produced));
    } finally {
      delete process.env.PT_FEED_MS;
    }
  }, 300_000);

  it('resizes its pool on the server while consumers work: raised, lowered, the record exact', async () => {
    const { server } = suite;
    const link = await StreamLink.open(server.url, { stream: 'resized' });
    const snapshots: Snapshot[] = [];
    const run = startPipeline(
      { producers: 2, consumers: 6, pool: 2, items: 600, consumeMs: 8, jitter: 0, refreshMs: 50, stallMs: 60_000 },
      { broker: link, onSnapshot: (s) => void snapshots.push(s) },
    );
    const consumed = (n: number) => () => (run.latest()?.totals.consumed ?? 0) >= n;
    await until(consumed(100), 'the first items consumed', 60_000);
    run.resizePool!(5);
    await until(() => (run.latest()?.pool?.maxInUse ?? 0) > 2, 'a third consumer in at once (the server says)', 60_000);
    await until(consumed(350), 'more items consumed', 60_000);
    run.resizePool!(1);
    await until(() => run.latest()?.pool?.size === 1, 'the pool down to 1', 60_000);
    const summary = await within(run.done, 120_000, 'the run');
    expect(summary.endedBy, summary.error).toBe('completed');
    expect(summary.consumed).toBe(600);
    expect(summary.pool).toMatchObject({ size: 1, acquisitions: 600 });
    expect(summary.pool!.maxInUse).toBeGreaterThan(2);
    expect(summary.pool!.maxInUse).toBeLessThanOrEqual(5);
    for (const s of snapshots) expect(s.pool!.inUse).toBeLessThanOrEqual(s.pool!.size);
    expect(server.cli('HGET', 'resized:pool:permits', 'bound').trim()).toBe('1');
    expect(server.cli('HGET', 'resized:counts', 'acked').trim()).toBe('600');
  }, 200_000);
});
