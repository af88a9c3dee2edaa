/**
 * A chain's shutdown cascade, kept past the dashboard (issue 21, item 9): the summary lists it
 * link by link as the Shutdown line showed it, the metrics log has a snapshot for each step (not
 * several steps in one refresh tick), and the cast marks each step at its own moment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { parseCast } from '../helpers/cast.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('cascade');
const cast = join(dir, 'run.cast');
const metrics = join(dir, 'run.jsonl');
const KEEP_ODD = fileURLToPath(new URL('../../examples/stages/keep-odd.mjs', import.meta.url));
const STEPS = [
  'producers done 2/2',
  'queue 1 sentinels 2/2',
  'keep-odd exited 2/2',
  'queue 2 sentinels 3/3',
  'consumers exited 3/3',
];
let stdout = '';

beforeAll(async () => {
  ensureBuilt();
  const args = ['-p', '2', '-c', '3', '-n', '400', '--stage', `${KEEP_ODD}=2`, '--record', cast, '--metrics', metrics];
  const run = await runCli([...args, '--plain']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  stdout = run.stdout;
}, 120_000);

describe('the cascade of a chain', () => {
  it('the summary lists it link by link, as the dashboard followed it', () => {
    expect(stdout).toMatch(new RegExp(`^Shutdown: ${STEPS.join(' → ')} in \\S+\\.$`, 'm'));
  });

  it('the log has a snapshot of keep-odd gone while the consumers still run: each step at its moment', () => {
    const { snapshots } = readMetricsLog(metrics);
    const between = snapshots.filter((s) => s.stages[1]!.running === 0 && s.stages[2]!.running > 0);
    expect(between.length).toBeGreaterThan(0);
  });

  it('the cast marks every step once, in order, and keep-odd before the consumers in time', () => {
    const marks = parseCast(readFileSync(cast, 'utf8')).events.filter((e) => e[1] === 'm');
    const steps = marks.filter((m) => STEPS.includes(m[2]));
    expect(steps.map((m) => m[2])).toEqual(STEPS);
    const at = (label: string): number => steps.find((m) => m[2] === label)![0];
    expect(at('keep-odd exited 2/2')).toBeLessThan(at('consumers exited 3/3'));
  });
});
