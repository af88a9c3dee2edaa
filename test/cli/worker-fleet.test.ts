/**
 * `pipeline-tui worker` as a service (the built command, its own process) on a real redis-server,
 * with real runs (`pipeline-tui run --broker`): started before any run, it waits, joins the run
 * announced, and with --keep the next one too; --wait-ms gives up; SIGTERM or SIGINT mid-run makes
 * it leave without losing an item or leaving one pending under its name; a lost broker ends it with
 * one line. Each run's own consumer waits behind a gate until the worker is on its board, so no
 * outcome rests on how fast a process starts.
 */
import { writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { closeBroker, connectBroker } from '../../src/broker/connect.js';
import { announceRun, readRun } from '../../src/broker/remote-board.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import type { Summary } from '../../src/pipeline/types.js';
import { boardRowsWhen } from '../helpers/board.js';
import { runCli, startCli } from '../helpers/cli.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, startRedisServer } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';

const PASSWORD = 'f1eet-pw';
const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;
const GATED_PRODUCER = new URL('../fixtures/user/gated-producer.mjs', import.meta.url).pathname;
const GROUP = 'pipeline-tui';

let gates = 0;
const newGate = (): string => join(tmpdir(), `pipeline-tui-fleet-gate-${process.pid}-${Date.now()}-${gates++}`);

describe.skipIf(!HAS_REDIS)('pipeline-tui worker as a service on redis-server', () => {
  const suite = redisSuite(PASSWORD);

  const worker = (stream: string, ...flags: string[]) =>
    startCli(['worker', '--broker', suite.server.url, '--stream', stream, '--role', 'consumer', ...flags], {
      deadlineMs: 240_000,
    });
  /**
   * A run whose own consumer (or with `gated: 'producer'`, producer) does nothing until `gate`
   * exists: the items go to (or come from) the worker meanwhile.
   */
  const gatedRun = (stream: string, items: number, gate: string, gated: 'consumer' | 'producer' = 'consumer') =>
    startCli(
      ['run', '--broker', suite.server.url, '--stream', stream, '-n', String(items), '-p', '1', '-q', '64']
        .concat(gated === 'consumer' ? ['-c', '1', '--consumer', GATED] : ['-c', '2', '--producer', GATED_PRODUCER])
        .concat(['--consume-ms', '0', '--stall-ms', '120000', '--refresh', '50', '--json']),
      { env: { PT_GATE: gate }, deadlineMs: 240_000 },
    );
  const ids = (pid: number | undefined, n: number) =>
    Array.from({ length: n }, (_, i) => `C${i + 1}@${hostname()}:${pid}`);
  /** The consumers the server knows in the group, and those with entries pending. */
  const groupConsumers = async (stream: string) => {
    const info = (await suite.redis.xinfo('CONSUMERS', stream, GROUP)) as Array<[string, string, ...unknown[]]>;
    const [, , , pending] = (await suite.redis.xpending(stream, GROUP)) as [
      number,
      unknown,
      unknown,
      Array<[string]> | null,
    ];
    return { names: info.map((c) => c[1]), pending: (pending ?? []).map(([name]) => name) };
  };
  /** Ends a run by opening its gate: its summary, every count exact. */
  const completed = async (run: ReturnType<typeof gatedRun>, gate: string, items: number): Promise<Summary> => {
    writeFileSync(gate, '');
    const { code, stdout, stderr } = await run.result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.endedBy).toBe('completed');
    expect([summary.produced, summary.consumed]).toEqual([items, items]);
    for (const role of ['producer', 'consumer'])
      expect(summary.workers.filter((w) => w.role === role).reduce((n, w) => n + w.items, 0)).toBe(items);
    return summary;
  };

  it('started before any run, joins the run announced, and with --keep the next: a JSON line for each', async () => {
    const stream = 'fleet';
    const fleet = worker(stream, '-c', '2', '--keep', '--json', '--refresh', '100');
    // Waiting (connected, no run yet): its connection is on the server under its name.
    await untilAsync(
      async () =>
        ((await suite.redis.client('LIST')) as string).includes(`name=pipeline-tui-worker-${fleet.child.pid}`),
      'the worker to connect and wait',
    );
    const served: string[] = [];
    for (const items of [300, 200]) {
      const gate = newGate();
      const run = gatedRun(stream, items, gate);
      await untilAsync(async () => {
        const now = await readRun(suite.redis, stream);
        return now?.phase === 'running' && !served.includes(now.runId);
      }, 'the next run to be announced');
      const runId = (await readRun(suite.redis, stream))!.runId;
      // The board starts empty with each run: rows there that are not done are this run's.
      await boardRowsWhen(suite.redis, stream, (r) => r.filter((w) => w.state !== 'done').length === 2, 'the worker');
      const summary = await completed(run, gate, items);
      expect(summary.workers.filter((w) => w.id.includes('@')).map((w) => [w.id, w.state])).toEqual(
        ids(fleet.child.pid, 2).map((id) => [id, 'done']),
      );
      served.push(runId);
      await fleet.stdoutMatching(new RegExp(`"runId":"${runId}"`));
    }
    fleet.child.kill('SIGTERM'); // while it waits for a third run
    const { code, stdout, stderr } = await fleet.result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.runId, l.ended, l.failed])).toEqual(served.map((id) => [id, 'done', false]));
    expect(stdout).not.toContain(PASSWORD);
  }, 300_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} mid-run: the worker leaves, exit 0, nothing lost and nothing pending under its name`, async () => {
      const stream = `leave-${signal}`;
      const items = 1000;
      const leaving = worker(stream, '-c', '2', '--consume-ms', '20', '--refresh', '100');
      await leaving.stdoutMatching(/waiting for a run on stream \S+ at 127\.0\.0\.1:\d+ \(2 consumers\)/);
      const gate = newGate();
      const run = gatedRun(stream, items, gate);
      await boardRowsWhen(suite.redis, stream, (r) => r.filter((w) => w.items > 0).length > 0, 'the worker consuming');
      leaving.child.kill(signal);
      const { code, stdout, stderr } = await leaving.result;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(
        new RegExp(`^Worker left \\(${signal}\\) in .*: C1@\\S+ done \\d+, C2@\\S+ done \\d+$`, 'm'),
      );
      // It left the group, and nothing it had read stays pending under its name (taken or given back).
      const mine = ids(leaving.child.pid, 2);
      const group = await groupConsumers(stream);
      expect(group.names.filter((n) => mine.includes(n))).toEqual([]);
      expect(group.pending.filter((n) => mine.includes(n))).toEqual([]);
      const summary = await completed(run, gate, items);
      expect(summary.workers.filter((w) => mine.includes(w.id)).map((w) => w.state)).toEqual(['done', 'done']);
      expect(suite.server.cli('XLEN', stream).trim()).toBe('0');
    }, 300_000);
  }

  it('SIGTERM on a producer mid-run: what it claimed and did not make goes back, the run makes it all', async () => {
    const stream = 'leave-producer';
    const items = 5000;
    const gate = newGate();
    const run = gatedRun(stream, items, gate, 'producer');
    await untilAsync(async () => (await readRun(suite.redis, stream))?.phase === 'running', 'the run to be announced');
    // A slow producer (a second an item) holds most of each claim of the budget when it is told to leave.
    const producer = startCli(
      ['worker', '--broker', suite.server.url, '--stream', stream, '--role', 'producer', '--produce-ms', '1000'].concat(
        ['--refresh', '100'],
      ),
      { deadlineMs: 240_000 },
    );
    await boardRowsWhen(
      suite.redis,
      stream,
      (r) => r.some((w) => w.role === 'producer' && w.items > 0),
      'an item made',
    );
    producer.child.kill('SIGTERM');
    const { code, stdout, stderr } = await producer.result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Worker left \(SIGTERM\) in .*: P1@\S+ done \d+$/m);
    await completed(run, gate, items);
  }, 300_000);

  it('--wait-ms gives up with one line and exit code 2 when no run is announced in time', async () => {
    const { code, stdout, stderr } = await runCli(
      ['worker', '--broker', suite.server.url, '--stream', 'nobody-yet', '--role', 'consumer', '--wait-ms', '300'],
      { deadlineMs: 60_000 },
    );
    expect(code).toBe(2);
    expect(stdout).toMatch(/^\[\S+\] {2}waiting for a run on stream nobody-yet at 127\.0\.0\.1:\d+ \(1 consumer\)\n$/);
    expect(stderr).toBe(
      `pipeline-tui: no run on stream nobody-yet at 127.0.0.1:${suite.server.port} within 300ms (--wait-ms 300)\n`,
    );
  });
});

describe.skipIf(!HAS_REDIS)('pipeline-tui worker when the broker goes away', () => {
  it('says so in its progress lines while it retries, then ends with one line naming it, exit 1', async () => {
    const server = await startRedisServer({ password: PASSWORD });
    const redis = await connectBroker(parseBrokerUrl(server.url));
    try {
      const stream = 'lost';
      await announceRun(redis, stream, {
        ...{ runId: 'r-lost', group: GROUP, capacity: 8, claimIdleMs: 10_000 },
        ...{ config: JSON.stringify(resolveConfig({})), phase: 'running' },
      });
      const joined = startCli(
        ['worker', '--broker', server.url, '--stream', stream, '--role', 'consumer', '--refresh', '100'],
        { deadlineMs: 120_000 },
      );
      await boardRowsWhen(redis, stream, (r) => r.length === 1, "the worker's row");
      await closeBroker(redis);
      await server.stop();
      const { code, stdout, stderr } = await joined.result;
      expect(stderr).toBe('');
      expect(code).toBe(1);
      const lostAt = `lost the broker at 127.0.0.1:${server.port}`;
      expect(stdout).toMatch(new RegExp(`^\\[\\S+\\] {2}C1@\\S+ \\S+ 0.*; ${lostAt}: .*; reconnecting$`, 'm'));
      const last = stdout.trimEnd().split('\n').at(-1);
      expect(last).toMatch(new RegExp(`^Worker FAILED in \\S+: ${lostAt}: .*; gave up after 15 s of retrying$`));
      expect(stdout).not.toMatch(/internal error|\bat .*\.js:\d+/);
      expect(stdout).not.toContain(PASSWORD);
    } finally {
      if (redis.status === 'ready') await closeBroker(redis);
      await server.stop();
    }
  }, 150_000);
});
