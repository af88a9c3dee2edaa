/**
 * `pipeline-tui run --broker` (the built command, its own process) when the broker fails it for
 * real, mid-run, on a redis-server of its own: restarted empty (no persistence), out of memory
 * (maxmemory with noeviction), stopped (SIGSTOP: the connection stays open, nothing is answered),
 * and a second run on a stream that another live run holds, or that a crashed run held.
 * Each fault is injected once items are moving (the server's own counts say so), and every wait
 * has a deadline; nothing rests on how fast anything runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot, Summary } from '../../src/pipeline/types.js';
import { type CliProcess, runCli, startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';

/** A run that would go on for long: built-in work, items moving steadily. */
const LONG_RUN = ['-n', '10000000', '-p', '1', '-c', '1', '-q', '64', '--consume-ms', '1', '--refresh', '50'];
const DEADLINE_MS = 120_000;

describe.skipIf(!HAS_REDIS)('pipeline-tui run --broker when the broker fails mid-run', () => {
  let server: RedisServer | undefined;
  let run: CliProcess | undefined;
  afterEach(async () => {
    server?.resume();
    if (run?.child.exitCode === null) run.child.kill('SIGKILL');
    await server?.stop();
  });

  /** Starts a server and a long run on `stream`, and resolves once the server has counted `acked` items. */
  async function runningOn(stream: string, output: string[], acked = 1): Promise<RedisServer> {
    ensureBuilt();
    server = await startRedisServer();
    const url = server.url;
    run = startCli(['run', '--broker', url, '--stream', stream, ...LONG_RUN, ...output], { deadlineMs: DEADLINE_MS });
    const counted = (): number => Number(server!.cli('HGET', `${stream}:counts`, 'acked').trim() || 0);
    await untilAsync(async () => counted() >= acked, `${acked} items acknowledged on the broker`, DEADLINE_MS);
    return server;
  }

  /** The --json summary of a run that failed: nothing on stderr, exit code 1. */
  async function failedRun(): Promise<Summary> {
    const { code, stdout, stderr } = await run!.result;
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.endedBy).toBe('failed');
    return summary;
  }

  it('says the broker lost its data when it restarts empty, keeps the counts it saw, exit 1', async () => {
    const log = join(tmpdir(), `pipeline-tui-emptied-${process.pid}-${Date.now()}.jsonl`);
    const broker = await runningOn('emptied', ['--json', '--metrics', log], 200);
    // What the run has seen, from its own metrics log: the restart comes once it has shown 200 consumed.
    const seen = (): number =>
      existsSync(log)
        ? Math.max(
            0,
            ...readFileSync(log, 'utf8')
              .split('\n')
              .filter((line) => line.startsWith('{"snapshot"'))
              .map((line) => (JSON.parse(line) as { snapshot: Snapshot }).snapshot.totals.consumed),
          )
        : 0;
    await untilAsync(async () => seen() >= 200, 'the run to show 200 items consumed', DEADLINE_MS);
    const before = seen();
    await broker.restart();
    const summary = await failedRun();
    expect(summary.error).toBe(
      `the broker at 127.0.0.1:${broker.port} lost the run's data: stream emptied and its consumer group ` +
        'are gone (restarted without persistence, or flushed)',
    );
    // What the emptied server counted afterwards is not this run's: the counts are those it saw before.
    expect(summary.consumed).toBeGreaterThanOrEqual(before);
    expect(summary.produced).toBeGreaterThanOrEqual(summary.consumed);
  }, 180_000);

  it('names the broker refusing to store more (out of memory) as the cause, exit 1', async () => {
    const broker = await runningOn('full', ['--json']);
    broker.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    broker.cli('CONFIG', 'SET', 'maxmemory', '1');
    expect((await failedRun()).error).toBe(
      `the broker at 127.0.0.1:${broker.port} refused to store more: it is out of memory (maxmemory reached, ` +
        'policy noeviction)',
    );
  }, 180_000);

  it('takes a broker that stops answering (SIGSTOP) for lost, and exits while it is still stopped', async () => {
    const broker = await runningOn('frozen', ['--plain']);
    broker.pause();
    // The server stays stopped until afterEach: a run that waited for it would meet the deadline.
    const { code, stdout, stderr } = await run!.result;
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Run FAILED in /m);
    expect(stdout).toMatch(
      new RegExp(`^Error: lost the broker at 127\\.0\\.0\\.1:${broker.port}: no answer within 5 s$`, 'm'),
    );
  }, 180_000);
});

describe.skipIf(!HAS_REDIS)('pipeline-tui run --broker on a stream another run holds', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  it('refuses a second live run in one line (exit 2); a crashed run lets go of the stream', async () => {
    ensureBuilt();
    server = await startRedisServer();
    const first = startCli(['run', '--broker', server.url, '--stream', 'shared', ...LONG_RUN, '--plain'], {
      deadlineMs: DEADLINE_MS,
    });
    try {
      await untilAsync(async () => server!.cli('HGET', 'shared:run', 'phase').trim() === 'running', 'the first run');
      const second = await runCli(['run', '--broker', server.url, '--stream', 'shared', '-n', '10', '--json']);
      expect(second.stdout).toBe('');
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(
        new RegExp(
          `^pipeline-tui: stream shared at 127\\.0\\.0\\.1:${server.port} is in use by another run ` +
            `\\(pid ${first.child.pid} on [^,]+, run [0-9a-f]{8}\\); one run at a time on a stream ` +
            '\\(a run that crashed lets go of it within 10 s\\)\\n$',
        ),
      );
      // The first run's budget and counts are its own still: the second one touched nothing.
      expect(server.cli('HGET', 'shared:run', 'phase').trim()).toBe('running');
    } finally {
      first.child.kill('SIGKILL'); // a crash: nothing lets go of the stream
      await first.result;
    }
    await untilAsync(async () => server!.cli('EXISTS', 'shared:lease').trim() === '0', 'the hold to expire');
    // The crashed run's items still in the stream are taken by the next run (as the README says).
    const left = Number(server.cli('XLEN', 'shared').trim());
    const next = await runCli(['run', '--broker', server.url, '--stream', 'shared', '-n', '100', '--json'], {
      deadlineMs: DEADLINE_MS,
    });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    const summary = JSON.parse(next.stdout) as Summary;
    expect([summary.endedBy, summary.produced, summary.consumed]).toEqual(['completed', 100, 100 + left]);
    // A run that ends lets go at once.
    expect(server.cli('EXISTS', 'shared:lease').trim()).toBe('0');
  }, 180_000);
});
