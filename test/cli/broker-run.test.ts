/**
 * `pipeline-tui run --broker … --stream …` (the built command, its own process) on a real
 * redis-server, joined by `pipeline-tui worker` processes: a remote producer shares the run's
 * budget, remote consumers share its items and take its sentinels, every count is exact, each
 * process exits 0, and the password appears nowhere. The run's own consumer waits behind a gate
 * until the remote workers are on the board, so nothing rests on how fast a process starts.
 * Then the failures: a run that cannot reach its broker, flags that do not go with --broker, and
 * the broker going away mid-run.
 */
import { writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
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
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { DEADLINE_MS } from '../helpers/workers.js';

const PASSWORD = 'j0in-pw';
const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;

/** Polls until `ok` holds, with a deadline naming `what`. */
async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  while (!(await ok())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
    const gate = join(tmpdir(), `pipeline-tui-gate-${process.pid}-${Date.now()}`);
    const items = 400;
    const run = startCli(
      ['run', '--broker', server.url, '--stream', stream, '-n', String(items), '-p', '1', '-c', '1', '-q', '8']
        // The gated consumer, and no stall verdict while it waits.
        .concat(['--consumer', GATED, '--stall-ms', '120000', '--refresh', '50', '--json']),
      { env: { PT_GATE: gate }, deadlineMs: 180_000 },
    );
    await until(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
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
    expect(summary.shutdown.sentinelsSent).toBe(3);
    expect(produced.stdout).toMatch(/^Worker done in .*: P1@\S+ done \d+$/m);
    expect(consumed.stdout).toMatch(/^Worker done in .*: C1@\S+ done \d+, C2@\S+ done \d+$/m);
    for (const out of [ran, produced, consumed]) expect(out.stdout + out.stderr).not.toContain(PASSWORD);
    expect(server.cli('XLEN', stream).trim()).toBe('0');
    expect(server.cli('HGET', `${stream}:run`, 'phase').trim()).toBe('done');
  });
});
