/**
 * How a run ends when someone else ends it, as users and supervisors do it to the built command
 * (no TTY): SIGTERM and SIGHUP act like a first Ctrl-C (a graceful drain, the summary, a complete
 * metrics log) and a second request aborts; a stdout nobody reads stops the run quietly.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';

beforeAll(() => ensureBuilt(), 120_000);

const dir = scratchDir('stop');
const RUNNING = /running +queue/;
const NO_STACK = /\bat .*\.js:\d+/;

describe('SIGTERM and SIGHUP, as a supervisor or a closed ssh session sends them', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`the first ${signal} drains gracefully: the summary, exit 0, a metrics log ending in the Summary`, async () => {
      const metrics = join(dir, `${signal}.jsonl`);
      const cli = startCli(['--plain', '--duration', '60s', '--consume-ms', '2', '--metrics', metrics]);
      await cli.stdoutMatching(RUNNING);
      cli.child.kill(signal);
      const { code, stdout, stderr } = await cli.result;
      expect(code).toBe(0);
      expect(stderr).toBe(`pipeline-tui: ${signal}: stopping gracefully (${signal} again, or Ctrl-C, to abort)\n`);
      const [, produced, consumed] = /Run stopped on request in \S+: produced ([\d,]+), consumed ([\d,]+)/.exec(
        stdout,
      )!;
      expect(consumed).toBe(produced);
      const log = readMetricsLog(metrics);
      expect(log.summary).toMatchObject({ endedBy: 'stopped', consumed: log.summary!.produced });
    });
  }

  // A consumer of 500 ms behind a full queue: a graceful drain would take about half a minute.
  const slowDrain = ['--plain', '--duration', '60s', '--consume-ms', '500', '-q', '64'];

  for (const [signal, exit] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`a second ${signal} while the queue drains aborts at once: "aborted", exit ${exit}`, async () => {
      const metrics = join(dir, `${signal}-twice.jsonl`);
      const cli = startCli([...slowDrain, '--metrics', metrics], { deadlineMs: 20_000 });
      await cli.stdoutMatching(/queue 64\/64/);
      cli.child.kill(signal);
      // Producers done, the sentinels wait for room behind the items: a put still pending there
      // once kept the aborted process alive.
      await cli.stdoutMatching(/shutting-down +queue/);
      cli.child.kill(signal);
      const { code, stdout, stderr } = await cli.result;
      expect(code).toBe(exit);
      expect(stdout).toMatch(/Run aborted in /);
      expect(stderr).not.toMatch(NO_STACK);
      expect(readMetricsLog(metrics).summary).toMatchObject({ endedBy: 'aborted' });
    });
  }
});

describe('a stdout that nobody reads (pipeline-tui --plain | head -1)', () => {
  it('after a SIGHUP (a closed ssh session: its terminal is gone too) the stop ends gracefully, exit 0', async () => {
    const metrics = join(dir, 'hup-closed.jsonl');
    const cli = startCli(['--plain', '--duration', '60s', '--consume-ms', '50', '-q', '64', '--metrics', metrics]);
    await cli.stdoutMatching(/queue 64\/64/);
    cli.child.kill('SIGHUP');
    cli.child.stdout.destroy();
    const { code } = await cli.result;
    expect(readMetricsLog(metrics).summary).toMatchObject({ endedBy: 'stopped' });
    // The SIGHUP asked for the stop (exit 0, as the README promises); the lost stdout is the same hangup.
    expect(code).toBe(0);
  });

  it('stops the run quietly with exit 141, as a command killed by SIGPIPE would: no EPIPE trace', async () => {
    const cli = startCli(['--plain', '-n', '100000000', '--consume-ms', '1']);
    await cli.stdoutMatching(RUNNING);
    cli.child.stdout.destroy(); // what `head -1` does once it has its line
    const { code, stderr } = await cli.result;
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });
});
