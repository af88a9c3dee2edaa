/**
 * `pipeline-tui --autoscale` from the command line, with sleep-based work whose best counts are
 * known by construction: one feed delivering an item every 2 ms (500/s at most, however many
 * producers: only the first reads it), consumers at 8 ms (125/s each) — four consumers carry it,
 * more gain nothing. Stopped (SIGINT) once it has settled: each
 * decision was a line of its own, the summary ends with the counts to paste, the metrics log
 * recorded the decisions and a replay of it shows them again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { userModule } from '../pipeline/helpers.js';

beforeAll(() => ensureBuilt(), 120_000);

const KNOWN = ['--producer', userModule('feed-producer'), '-p', '1', '-c', '1', '--consume-ms', '8', '--jitter', '0'];
const FEED = { env: { PT_FEED_MS: '2' } };

describe('--autoscale', () => {
  it('adds consumers to the four that carry the producer, says each step, and ends with the flags', async () => {
    const log = join(scratchDir('autoscale'), 'run.jsonl');
    const cli = startCli([...KNOWN, '--duration', '10m', '--autoscale', '--plain', '--metrics', log], {
      ...FEED,
      deadlineMs: 240_000,
    });
    await cli.stdoutMatching(/autoscale: (settled|stopped)/);
    cli.child.kill('SIGINT');
    const { code, stdout } = await cli.result;
    expect(code).toBe(0);
    const decisions = stdout.split('\n').filter((line) => / autoscale: /.test(line));
    expect(decisions[0]).toMatch(/^\[[\d.]+s\] autoscale: \+1 consumer → [\d,]+\/s \(\+\d+ %\)$/);
    const settled = /\nSettled on: -p 1 -c (\d+)\n?$/.exec(stdout);
    expect(settled, stdout).not.toBeNull();
    expect(Math.abs(Number(settled![1]) - 4)).toBeLessThanOrEqual(1);

    // The log carries the decisions on its snapshots and in its summary; a replay prints them again.
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.at(-1).summary;
    expect(summary.autoscale.decisions.map((d: { text: string }) => d.text)).toEqual(
      decisions.map((line) => line.replace(/^\[[\d.]+s\] autoscale: /, '')),
    );
    const replay = await runCli(['replay', log, '--speed', '100', '--plain'], { deadlineMs: 120_000 });
    expect(replay.code).toBe(0);
    expect(replay.stdout.split('\n').filter((line) => / autoscale: /.test(line))).toEqual(decisions);
    expect(replay.stdout).toMatch(/\nSettled on: -p 1 -c \d+\n?$/);
  }, 300_000);

  it('--json: the summary carries every decision and the counts', async () => {
    const { code, stdout } = await runCli([...KNOWN, '-n', '400', '--autoscale=8', '--json'], {
      ...FEED,
      deadlineMs: 60_000,
    });
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.autoscale).toMatchObject({ flags: expect.stringMatching(/^-p \d+ -c \d+$/) });
    expect(Array.isArray(summary.autoscale.decisions)).toBe(true);
  });

  it('a bad MAX: one line naming the flag and what it accepts, exit 2, nothing started', async () => {
    for (const [value, says] of [
      ['1', /--autoscale=MAX must be an integer from 2 \(a worker per stage\) to 128, got 1$/],
      ['lots', /--autoscale=MAX must be the most workers in all, a whole number, got "lots"$/],
    ] as const) {
      const { code, stdout, stderr } = await runCli([`--autoscale=${value}`, '-n', '10']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.trim()).toMatch(says);
    }
  });
});
