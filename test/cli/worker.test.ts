/**
 * `pipeline-tui worker` (the built command, its own process) joining a run on a real redis-server.
 * The test plays the run's side with the library: it announces the run, puts the items, reads the
 * board, and sends the sentinels once the stream has drained. Exact counts; the worker's rows on
 * the board name host and pid; it exits 0 once its consumers have taken their sentinels.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { announceRun, readRows } from '../../src/broker/remote-board.js';
import { StreamQueue } from '../../src/broker/stream-queue.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import { boardRowsWhen } from '../helpers/board.js';
import { runCli, startCli } from '../helpers/cli.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

describe.skipIf(!HAS_REDIS)('pipeline-tui worker on redis-server', () => {
  const suite = redisSuite('w0rker-pw');

  it('joins a run with 2 consumers, takes every item exactly once, and exits 0 at its sentinels', async () => {
    const stream = 'jobs';
    const capacity = 32;
    const total = 300;
    const config = resolveConfig({ consumeMs: 1, jitter: 0 });
    await announceRun(suite.redis, stream, {
      ...{ runId: 'r1', group: 'pipeline-tui', capacity, claimIdleMs: 10_000 },
      config: JSON.stringify(config),
      phase: 'running',
    });
    const run = await StreamQueue.open(parseBrokerUrl(suite.server.url), { stream, capacity });
    const worker = startCli(
      ['worker', '--broker', suite.server.url, '--stream', stream, '--role', 'consumer', '-c', '2', '--refresh', '100'],
      { deadlineMs: 90_000 },
    );
    // The run fills the stream as fast as its capacity allows while the worker's consumers take.
    await run.putMany(Array.from({ length: total }, (_, n) => n));
    await within(run.drained(), DEADLINE_MS, 'the stream to drain');
    const busy = await boardRowsWhen(suite.redis, stream, (r) => r.length === 2, "the worker's two rows");
    expect(busy.map((r) => r.id)).toEqual([
      `C1@${hostname()}:${worker.child.pid}`,
      `C2@${hostname()}:${worker.child.pid}`,
    ]);
    await run.putSentinels(2);
    const { code, stdout, stderr } = await worker.result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = await readRows(suite.redis, stream);
    expect(rows.map((r) => r.state)).toEqual(['done', 'done']);
    expect(rows.reduce((sum, r) => sum + r.items, 0)).toBe(total);
    expect(stdout).toMatch(/^Worker done in [\d.]+m?s: C1@\S+ done \d+, C2@\S+ done \d+$/m);
    expect(stdout).not.toContain('w0rker-pw');
    expect(await run.depth()).toBe(0);
    await run.close();
  });

  it('fails, exit 1, when its consumer module throws; the item it held is left for the others', async () => {
    const stream = 'failing';
    await announceRun(suite.redis, stream, {
      ...{ runId: 'r2', group: 'pipeline-tui', capacity: 8, claimIdleMs: 10_000 },
      config: JSON.stringify(resolveConfig({})),
      phase: 'running',
    });
    const run = await StreamQueue.open(parseBrokerUrl(suite.server.url), { stream, capacity: 8 });
    await run.put('boom');
    const module = new URL('../fixtures/user/throwing-consumer.mjs', import.meta.url).pathname;
    const { code, stdout } = await runCli(
      ['worker', '--broker', suite.server.url, '--stream', stream, '--role', 'consumer', '--consumer', module],
      { deadlineMs: 60_000 },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/Worker FAILED in .*C1@\S+ failed 0 \(.*\)/);
    expect(await run.depth()).toBe(1); // not acknowledged: another consumer claims it
    await run.close();
  });

  it('--wait-ms 0: refuses to start without a run on the stream (exit 2); a wrong password: exit 5', async () => {
    const look = ['--role', 'consumer', '--wait-ms', '0'];
    const none = await runCli(['worker', '--broker', suite.server.url, '--stream', 'nobody', ...look]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `pipeline-tui: no run on stream nobody at 127.0.0.1:${suite.server.port}: ` +
        'start one there first (pipeline-tui run --broker … --stream …)\n',
    );
    const wrong = `redis://:nope@127.0.0.1:${suite.server.port}`;
    const refused = await runCli(['worker', '--broker', wrong, '--stream', 'jobs', ...look]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toBe(
      `pipeline-tui: cannot use the broker at 127.0.0.1:${suite.server.port}: the password was refused\n`,
    );
    const role = await runCli(['worker', '--broker', suite.server.url, '--stream', 'jobs', '--role', 'boss']);
    expect(none.stdout).toBe('');
    expect(role.code).toBe(2);
    expect(role.stderr).toBe('pipeline-tui: --role must be consumer, producer or stage, got "boss"\n');
  });
});
