/**
 * `pipeline-tui run --broker … --stream …` (the built command, its own process) on a real
 * redis-server, joined by `pipeline-tui worker` processes: a remote producer shares the run's
 * budget, remote consumers share its items and take its sentinels, every count is exact, each
 * process exits 0, and the password appears nowhere (output, metrics log, recording). The run's
 * own consumer waits behind a gate until the remote workers are on the board, so nothing rests on
 * how fast a process starts.
 * Then the failures: a run that cannot reach its broker, flags that do not go with --broker, and
 * the broker going away mid-run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { closeBroker, connectBroker } from '../../src/broker/connect.js';
import { readRun } from '../../src/broker/remote-board.js';
import type { Summary } from '../../src/pipeline/types.js';
import { boardRowsWhen } from '../helpers/board.js';
import { runCli, startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { scratchDir } from '../helpers/scratch.js';

const PASSWORD = 'j0in-pw';
const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;

describe.skipIf(!HAS_REDIS)('pipeline-tui run --broker on redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ password: PASSWORD });
    redis = await connectBroker(parseBrokerUrl(server.url));
  }, 120_000);
  afterAll(async () => {
    if (redis) await closeBroker(redis);
    await server?.stop();
  });

  it('is joined by a remote producer and two remote consumers: exact counts, everyone exits 0', async () => {
    const stream = 'joined';
    const gate = join(scratchDir('gate'), 'gate');
    const items = 400;
    const run = startCli(
      ['run', '--broker', server.url, '--stream', stream, '-n', String(items), '-p', '1', '-c', '1', '-q', '8']
        // The gated consumer, and no stall verdict while it waits.
        .concat(['--consumer', GATED, '--stall-ms', '120000', '--refresh', '50', '--json'])
        .concat(['--metrics', `${gate}.jsonl`, '--record', `${gate}.cast`]),
      { env: { PT_GATE: gate }, deadlineMs: 180_000 },
    );
    await untilAsync(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
    const joining = (role: string, n: string) =>
      startCli(['worker', '--broker', server.url, '--stream', stream, '--role', role, n, '--refresh', '100'], {
        deadlineMs: 180_000,
      });
    const producer = joining('producer', '-p1');
    await boardRowsWhen(redis, stream, (r) => r.some((w) => w.role === 'producer'), 'the remote producer');
    const consumers = joining('consumer', '-c2');
    await boardRowsWhen(redis, stream, (r) => r.filter((w) => w.role === 'consumer').length === 2, 'the consumers');
    writeFileSync(gate, '');
    const [ran, produced, consumed] = await Promise.all([run.result, producer.result, consumers.result]);
    for (const { code, stderr } of [ran, produced, consumed]) {
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    const summary = JSON.parse(ran.stdout) as Summary;
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([items, items]);
    expect(summary.broker).toEqual({
      ...{ address: `redis://:***@127.0.0.1:${server.port}`, stream, group: 'pipeline-tui' },
      ...{ duplicates: 0, remoteWorkers: 3 },
    });
    const byRole = (role: string) => summary.workers.filter((w) => w.role === role);
    const total = (ws: Summary['workers']) => ws.reduce((n, w) => n + w.items, 0);
    expect(total(byRole('producer'))).toBe(items);
    expect(total(byRole('consumer'))).toBe(items);
    const host = hostname();
    expect(summary.workers.map((w) => w.id).sort()).toEqual(
      [
        'C1',
        'P1',
        `C1@${host}:${consumers.child.pid}`,
        `C2@${host}:${consumers.child.pid}`,
        `P1@${host}:${producer.child.pid}`,
      ].sort(),
    );
    expect(summary.workers.every((w) => w.state === 'done')).toBe(true);
    expect(summary.shutdown).toMatchObject({ sentinelsSent: 3, consumersExited: 3 });
    expect(produced.stdout).toMatch(/^Worker done in .*: P1@\S+ done \d+$/m);
    expect(consumed.stdout).toMatch(/^Worker done in .*: C1@\S+ done \d+, C2@\S+ done \d+$/m);
    for (const out of [ran, produced, consumed]) expect(out.stdout + out.stderr).not.toContain(PASSWORD);
    for (const file of [`${gate}.jsonl`, `${gate}.cast`]) {
      const recorded = readFileSync(file, 'utf8');
      expect(recorded).not.toContain(PASSWORD);
      expect(recorded).toContain(`redis://:***@127.0.0.1:${server.port}`);
    }
    expect(server.cli('XLEN', stream).trim()).toBe('0');
    expect(server.cli('HGET', `${stream}:run`, 'phase').trim()).toBe('done');
  });

  it('moves every item exactly once with 4 producers and 16 consumers in four processes', async () => {
    const stream = 'sixteen';
    const gate = join(scratchDir('gate-16'), 'gate');
    const items = 2000;
    // The run's own 4 consumers wait behind the gate until the 12 remote ones are on the board.
    const run = startCli(
      ['run', '--broker', server.url, '--stream', stream, '-n', String(items), '-p', '2', '-c', '4', '-q', '8'].concat([
        '--consumer',
        GATED,
        '--stall-ms',
        '120000',
        '--refresh',
        '100',
        '--json',
      ]),
      { env: { PT_GATE: gate }, deadlineMs: 240_000 },
    );
    await untilAsync(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
    const joining = (role: string, n: string) =>
      startCli(['worker', '--broker', server.url, '--stream', stream, '--role', role, n, '--refresh', '100'], {
        deadlineMs: 240_000,
      });
    const remote = [joining('consumer', '-c6'), joining('consumer', '-c6'), joining('producer', '-p2')];
    const consumersOnBoard = (r: Array<{ role: string }>) => r.filter((w) => w.role === 'consumer').length === 12;
    await boardRowsWhen(redis, stream, consumersOnBoard, 'the 12 remote consumers');
    writeFileSync(gate, '');
    const results = await Promise.all([run.result, ...remote.map((w) => w.result)]);
    for (const { code, stderr } of results) {
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    const summary = JSON.parse(results[0]!.stdout) as Summary;
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([items, items]);
    expect(summary.broker).toMatchObject({ duplicates: 0, remoteWorkers: 14 });
    const total = (role: string) => summary.workers.filter((w) => w.role === role).reduce((n, w) => n + w.items, 0);
    expect([total('producer'), total('consumer')]).toEqual([items, items]);
    expect(summary.workers.filter((w) => w.role === 'consumer').length).toBe(16);
    expect(server.cli('HGET', `${stream}:counts`, 'acked').trim()).toBe(String(items));
    expect(server.cli('XLEN', stream).trim()).toBe('0');
  }, 300_000);

  it('refuses flags that do not go with --broker, and a wrong password: one line, nothing started', async () => {
    const refused = async (args: string[]) => {
      const { code, stdout, stderr } = await runCli(['run', ...args]);
      return { code, stdout, stderr };
    };
    expect(await refused(['--broker', server.url])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'pipeline-tui: --broker needs --stream: the name of the stream the run uses as its queue, e.g. --stream jobs\n',
    });
    expect(await refused(['--stream', 'jobs'])).toMatchObject({
      code: 2,
      stderr: /--stream and --group need --broker/,
    });
    expect(await refused(['--broker', server.url, '--stream', 'x', '--shutdown', 'close'])).toMatchObject({
      code: 2,
      stderr: /^pipeline-tui: --shutdown close cannot be used with --broker: .*\n$/,
    });
    const wrong = `redis://:nope@127.0.0.1:${server.port}`;
    expect(await refused(['--broker', wrong, '--stream', 'never'])).toEqual({
      code: 5,
      stdout: '',
      stderr: `pipeline-tui: cannot use the broker at 127.0.0.1:${server.port}: the password was refused\n`,
    });
    expect(server.cli('EXISTS', 'never:run').trim()).toBe('0');
  });
});

describe.skipIf(!HAS_REDIS)('pipeline-tui run --broker when the broker goes away', () => {
  it('says so, retries, then fails the run with exit code 1, naming the broker and never the password', async () => {
    const server = await startRedisServer({ password: PASSWORD });
    const redis = await connectBroker(parseBrokerUrl(server.url));
    try {
      const stream = 'lost';
      // The gate never opens: the run is still going when the broker goes.
      const gate = join(scratchDir('closed-gate'), 'gate');
      const run = startCli(
        ['run', '--broker', server.url, '--stream', stream, '-n', '1000', '-p', '1', '-c', '1', '-q', '4'].concat([
          '--consumer',
          GATED,
          '--stall-ms',
          '120000',
          '--refresh',
          '50',
          '--plain',
        ]),
        { env: { PT_GATE: gate }, deadlineMs: 120_000 },
      );
      await untilAsync(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
      await closeBroker(redis);
      await server.stop();
      const { code, stdout, stderr } = await run.result;
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(stdout).toContain(`lost the broker at 127.0.0.1:${server.port}`);
      expect(stdout).toMatch(/^Run FAILED in /m);
      expect(stdout).toMatch(new RegExp(`^Error: lost the broker at 127\\.0\\.0\\.1:${server.port}: `, 'm'));
      expect(stdout).not.toContain(PASSWORD);
    } finally {
      if (redis.status === 'ready') await closeBroker(redis);
      await server.stop();
    }
  }, 150_000);
});
