/**
 * `pipeline-tui run --broker … --pool N` (the built command) joined by a `pipeline-tui worker`
 * process, on a real redis-server: the pool is a BrokerSemaphore on the server, shared by the
 * run's consumers and the worker's, and the server's own record (its high-water mark, kept by the
 * acquire script) shows that no more than N consumers ever worked at once — the summary reports
 * that record. Every item is consumed exactly once. The run's own consumers wait behind a gate
 * until the worker's consumers are on the board, so nothing rests on how fast a process starts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolName, readRun } from '../../src/broker/remote-board.js';
import type { Summary } from '../../src/pipeline/types.js';
import { boardRowsWhen } from '../helpers/board.js';
import { startCli } from '../helpers/cli.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { scratchDir } from '../helpers/scratch.js';

const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;

describe.skipIf(!HAS_REDIS)('pipeline-tui run --broker --pool on redis-server', () => {
  const suite = redisSuite('p00l-pw');

  it('--pool 2, -c 4 and 3 consumers elsewhere: the server never saw more than 2 in use; each item once', async () => {
    const { server, redis } = suite;
    const stream = 'pooled';
    const gate = join(scratchDir('pool-gate'), 'gate');
    const items = 300;
    const run = startCli(
      ['run', '--broker', server.url, '--stream', stream, '-n', String(items), '-p', '1', '-c', '4', '-q', '16']
        .concat(['--pool', '2', '--consumer', GATED, '--consume-ms', '1', '--stall-ms', '120000'])
        .concat(['--refresh', '100', '--json']),
      { env: { PT_GATE: gate }, deadlineMs: 240_000 },
    );
    await untilAsync(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
    const worker = startCli(
      ['worker', '--broker', server.url, '--stream', stream, '--role', 'consumer', '-c', '3', '--refresh', '100'],
      { deadlineMs: 240_000 },
    );
    await boardRowsWhen(redis, stream, (r) => r.length === 3, "the worker's 3 consumers");
    writeFileSync(gate, '');
    const results = await Promise.all([run.result, worker.result]);
    for (const { code, stderr } of results) {
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    const summary = JSON.parse(results[0].stdout) as Summary;
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([items, items]);
    expect(summary.broker).toMatchObject({ duplicates: 0, remoteWorkers: 3 });
    const consumed = summary.workers.filter((w) => w.role === 'consumer').reduce((n, w) => n + w.items, 0);
    expect(consumed).toBe(items);
    // The server's record: one acquisition per item, wherever it was consumed, never more than 2 at once.
    const record = await redis.hgetall(`${poolName(stream)}:permits`);
    expect(Number(record.maxInUse)).toBeLessThanOrEqual(2);
    expect(Number(record.acquisitions)).toBe(items);
    expect(summary.pool).toMatchObject({ size: 2, maxInUse: Number(record.maxInUse), acquisitions: items });
  }, 300_000);
});
