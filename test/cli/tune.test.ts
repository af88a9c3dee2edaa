/**
 * `pipeline-tui tune` with a workload whose best counts are known by construction, paced by sleep
 * so the machine's speed does not decide the answer: one feed delivers an item every 2 ms (500/s,
 * however many producers there are: only the first reads it) to consumers taking 8 ms an item
 * (125/s each). Four consumers carry the feed; more gain nothing. The user's producer module runs
 * in every trial.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { userModule } from '../pipeline/helpers.js';

beforeAll(() => ensureBuilt(), 120_000);

const FEED = ['--producer', userModule('feed-producer'), '-p', '1', '-c', '1', '--consume-ms', '8', '--jitter', '0'];

describe('pipeline-tui tune', () => {
  it('--json: lands within a worker of the known best, at a rate within 10 % of the best trial', async () => {
    const { code, stdout, stderr } = await runCli(['tune', ...FEED, '--budget', '150s', '--json'], {
      env: { PT_FEED_MS: '2' },
      deadlineMs: 300_000,
    });
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    const [producers, consumers] = report.recommended.workers;
    expect(Math.abs(consumers - 4)).toBeLessThanOrEqual(1);
    expect(producers).toBeLessThanOrEqual(2);
    expect(report.recommended.itemsPerSecond).toBeGreaterThanOrEqual(0.9 * report.best.itemsPerSecond);
    expect(report.flags).toBe(`-p ${producers} -c ${consumers}`);
    expect(report.command).toMatch(
      new RegExp(`^pipeline-tui .*--producer \\S+feed-producer\\.mjs -p ${producers} -c ${consumers}$`),
    );
    // Not a grid: it followed the judge from one consumer upwards.
    expect(report.trials[0].workers).toEqual([1, 1]);
    expect(report.trials.length).toBeLessThan(16);
    for (const t of report.trials)
      expect(t).toMatchObject({
        itemsPerSecond: expect.any(Number),
        cpu: expect.any(Number),
        drift: expect.any(Number),
      });
    expect(report.betweenNoise).toBeGreaterThanOrEqual(0);
  }, 320_000);

  it('the text report: the trials as they end, the table, the chart, the fit and the command', async () => {
    const { code, stdout } = await runCli(['tune', ...FEED, '--budget', '20s'], {
      env: { PT_FEED_MS: '2' },
      deadlineMs: 200_000,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trial 1: -p 1 -c 1 {2}[\d,]+\/s ±[\d,]+ {2}p99 /m);
    expect(stdout).toMatch(/^ {2}# {2}workers +items\/s +noise +p50 +p99 +CPU +bottleneck$/m);
    expect(stdout).toMatch(/^Noise between trials: ±\d+\.\d % of a rate \(how far the windows' halves disagreed\)\.$/m);
    expect(stdout).toMatch(/┌ items\/s against workers in all/);
    expect(stdout).toMatch(/^Recommended: -p \d+ -c \d+: [\d,]+\/s/m);
    expect(stdout).toMatch(/^ {2}pipeline-tui --consume-ms 8 --jitter 0 --producer \S+ -p \d+ -c \d+$/m);
  }, 220_000);

  it('bad input: one line naming the flag, exit 2, no trial run', async () => {
    for (const [args, says] of [
      [['tune', '--budget', 'soon'], /^pipeline-tui: --budget must be a positive duration like 30, 30s/],
      [
        ['tune', '--broker', 'redis://localhost:1', '--stream', 's'],
        /^pipeline-tui: --broker cannot be used with tune/,
      ],
      [['tune', '--autoscale'], /^pipeline-tui: --autoscale cannot be used with tune/],
      [['tune', '-c', '0'], /^pipeline-tui: --consumers must be an integer from 1 to 64, got 0/],
    ] as const) {
      const { code, stdout, stderr } = await runCli([...args]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(says);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
