/**
 * A whole run on a real redis-server (`startPipeline` with a StreamLink): the run's own producers
 * and consumers work on the stream, counted exactly by the server and on the board, the run is
 * announced and then marked done there, and the password never reaches a Snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamLink } from '../../src/broker/stream-link.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

describe.skipIf(!HAS_REDIS)('a run on a Redis stream', () => {
  let server: RedisServer;
  beforeAll(async () => {
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
  });
});
