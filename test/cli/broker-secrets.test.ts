/**
 * The broker's password never leaves the process, whichever way it is given and whatever is wrong
 * with it: every path that takes a broker URL (`run --broker`, `worker --broker`, `watch <url>`)
 * with a marker password — URLs malformed the ways people really type them (exit 2, one line
 * naming the flag), a password the broker refuses (exit 5), and the password given in
 * PIPELINE_TUI_BROKER_PASSWORD instead of argv (runs, joins and watches) — and the marker is looked
 * for in stdout, stderr, --json, the --metrics log and the recording.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const MARKER = 'Mk3rPw';
const GATED = new URL('../fixtures/user/gated-consumer.mjs', import.meta.url).pathname;
const ENV = 'PIPELINE_TUI_BROKER_PASSWORD';

/** Each command's way to be given a broker URL, with enough else that only the URL can be wrong. */
const COMMANDS: Array<[string, (url: string) => string[], string]> = [
  ['run', (url) => ['run', '--broker', url, '--stream', 's', '-n', '10', '--json'], '--broker'],
  ['worker', (url) => ['worker', '--broker', url, '--stream', 's', '--role', 'consumer', '--json'], '--broker'],
  ['watch', (url) => ['watch', url, '--stream', 's', '--json', '--duration', '1s'], 'the broker URL'],
];

const MALFORMED = [
  `redis://:9:x/Y%41!${MARKER}@127.0.0.1:6379`, // a raw '/' in the password
  `redis:///:${MARKER}@127.0.0.1`, // a '/' too many
  `redis://127.0.0.1:6379/?password=${MARKER}`, // the password as a query
  `redis://:bad%zz${MARKER}@127.0.0.1`, // a '%' that is no escape
  `redis://:pw#${MARKER}@127.0.0.1`, // a raw '#'
  `http://:${MARKER}@127.0.0.1`, // another scheme
];

describe('every broker URL path with a malformed URL', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it.each(COMMANDS)('%s: one line naming it, exit 2, the password nowhere', async (_name, argsOf, flag) => {
    for (const url of MALFORMED) {
      const { code, stdout, stderr } = await runCli(argsOf(url));
      expect({ url, code, stdout }).toEqual({ url, code: 2, stdout: '' });
      expect(stderr).toMatch(new RegExp(`^pipeline-tui: ${flag} must be a URL like redis://.*\\n$`));
      expect(stderr).toContain('(the URL is not shown: it may hold a password)');
      expect(stderr).not.toContain(MARKER);
    }
  });
});

describe.skipIf(!HAS_REDIS)('the broker password on redis-server, in the URL or in the environment', () => {
  let server: RedisServer;
  let redis: Redis;
  let bare: string;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ password: MARKER });
    redis = await connectBroker(parseBrokerUrl(server.url));
    bare = `redis://127.0.0.1:${server.port}`;
  }, 120_000);
  afterAll(async () => {
    if (redis) await closeBroker(redis);
    await server?.stop();
  });

  it.each(COMMANDS)('%s: a refused password is one line naming the broker, exit 5', async (_name, argsOf) => {
    const wrong = `redis://:not-${MARKER}@127.0.0.1:${server.port}`;
    const ways: Array<Record<string, string>> = [{}, { [ENV]: `not-${MARKER}` }];
    for (const env of ways) {
      const { code, stdout, stderr } = await runCli(argsOf(env[ENV] === undefined ? wrong : bare), { env });
      expect({ code, stdout, stderr }).toEqual({
        code: 5,
        stdout: '',
        stderr: `pipeline-tui: cannot use the broker at 127.0.0.1:${server.port}: the password was refused\n`,
      });
    }
  });

  it(`runs and is joined with the password in ${ENV}: never shown, not in the log nor the recording`, async () => {
    const stream = 'from-env';
    const files = join(tmpdir(), `pipeline-tui-secrets-${process.pid}-${Date.now()}`);
    const env = { [ENV]: MARKER, PT_GATE: `${files}.gate` };
    const run = startCli(
      ['run', '--broker', bare, '--stream', stream, '-n', '50', '-c', '1', '--consumer', GATED, '--json'].concat([
        '--stall-ms',
        '120000',
        '--metrics',
        `${files}.jsonl`,
        '--record',
        `${files}.cast`,
      ]),
      { env, deadlineMs: 120_000 },
    );
    await untilAsync(async () => (await readRun(redis, stream))?.phase === 'running', 'the run to be announced');
    const worker = startCli(['worker', '--broker', bare, '--stream', stream, '--role', 'consumer', '--json'], {
      env: { [ENV]: MARKER },
      deadlineMs: 120_000,
    });
    await boardRowsWhen(redis, stream, (rows) => rows.length === 1, 'the joined consumer');
    const watched = await runCli(['watch', bare, '--stream', stream, '--json', '--duration', '1s'], {
      env: { [ENV]: MARKER },
    });
    writeFileSync(env.PT_GATE, '');
    const [ran, joined] = await Promise.all([run.result, worker.result]);
    for (const { code, stderr } of [ran, joined, watched]) expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(ran.stdout) as Summary;
    expect([summary.endedBy, summary.consumed]).toEqual(['completed', 50]);
    expect(summary.broker?.address).toBe(`redis://:***@127.0.0.1:${server.port}`);
    expect(JSON.parse(watched.stdout.split('\n')[0]!)).toMatchObject({
      broker: `redis://:***@127.0.0.1:${server.port}`,
    });
    const everything = [ran.stdout, joined.stdout, watched.stdout];
    everything.push(readFileSync(`${files}.jsonl`, 'utf8'), readFileSync(`${files}.cast`, 'utf8'));
    for (const text of everything) expect(text).not.toContain(MARKER);
  }, 150_000);
});
