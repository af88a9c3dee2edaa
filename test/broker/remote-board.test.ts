/**
 * The run's board on the broker: the announcement a joining worker reads, and rows published by a
 * worker in another process — read by the run with host and pid in their ids, and shown as stale
 * once the process is killed and stops renewing them.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { closeBroker, connectBroker } from '../../src/broker/connect.js';
import { announceRun, readRun, remoteWorkerId, setRunPhase } from '../../src/broker/remote-board.js';
import { boardRowsWhen } from '../helpers/board.js';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { userEnv } from '../helpers/user-env.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!HAS_REDIS)('the run board on redis-server', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer();
    redis = await connectBroker(parseBrokerUrl(server.url));
  }, 120_000);
  afterAll(async () => {
    if (redis) await closeBroker(redis);
    await server?.stop();
  });

  it('announces a run that a joining worker reads, and moves it through its phases', async () => {
    expect(await readRun(redis, 'jobs')).toBeUndefined();
    const run = { runId: 'r1', group: 'pipeline-tui', capacity: 64, claimIdleMs: 10_000, config: '{"consumeMs":2}' };
    await announceRun(redis, 'jobs', { ...run, phase: 'running' });
    expect(await readRun(redis, 'jobs')).toEqual({ ...run, phase: 'running' });
    await setRunPhase(redis, 'jobs', 'stopping');
    expect((await readRun(redis, 'jobs'))?.phase).toBe('stopping');
  });

  it('names remote workers by host and pid', () => {
    expect(remoteWorkerId('C4', 'build-7', 1234)).toBe('C4@build-7:1234');
    expect(remoteWorkerId('P1')).toBe(`P1@${hostname()}:${process.pid}`);
  });

  it("shows a worker process's rows, stale once it is killed; a finished row never is", async () => {
    await announceRun(redis, 'board', {
      ...{ runId: 'r2', group: 'g', capacity: 8, claimIdleMs: 1000, config: '{}' },
      phase: 'running',
    });
    const dist = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);
    const script = `
      const { parseBrokerUrl } = await import(${dist('broker/broker-url.js')});
      const { connectBroker } = await import(${dist('broker/connect.js')});
      const board = await import(${dist('broker/remote-board.js')});
      const redis = await connectBroker(parseBrokerUrl(process.argv[1]));
      let items = 0;
      for (;;) {
        items += 5;
        await board.publishRows(redis, 'board', [
          { id: board.remoteWorkerId('C1'), role: 'consumer', state: 'consuming', items, blockedMs: 0 },
          { id: board.remoteWorkerId('C2'), role: 'consumer', state: 'done', items: 3, blockedMs: 1 },
        ]);
        await new Promise((r) => setTimeout(r, 50));
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, server.url], {
      env: userEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    const staleMs = 500;
    let rows = await boardRowsWhen(
      redis,
      'board',
      (r) => r.length === 2 && r[0]!.items >= 10,
      'two rows, renewed',
      staleMs,
    );
    expect(rows.map((r) => r.id)).toEqual([`C1@${hostname()}:${child.pid}`, `C2@${hostname()}:${child.pid}`]);
    expect(rows.map((r) => r.stale)).toEqual([false, false]);
    child.kill('SIGKILL');
    await within(exited, DEADLINE_MS, 'the killed worker to exit');
    rows = await boardRowsWhen(redis, 'board', (r) => r[0]!.stale, "the killed worker's row to go stale", staleMs);
    expect(rows[0]).toMatchObject({ state: 'consuming', stale: true });
    expect(rows[1]).toMatchObject({ state: 'done', stale: false });
  });
});
