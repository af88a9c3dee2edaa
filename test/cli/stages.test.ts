/**
 * `--stage` and `--pool` from the command line (issue 13): a chain runs to its summary, and a
 * failing middle stage ends the run with exit code 1 after everything downstream drained.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/pipeline/types.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { outDir } from '../pipeline/helpers.js';

const user = (name: string): string => fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));

beforeAll(() => ensureBuilt(), 150_000);

describe('stages and the pool on the command line', () => {
  it('a chain of stages with a pool: the JSON summary counts every stage', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        '-n',
        '300',
        '--produce-ms',
        '0',
        '--consume-ms',
        '1',
        '-c',
        '4',
        '--pool',
        '2',
        '--json',
        '--stall-ms',
        '60000',
      ].concat(['--stage', `${user('stamp')}=1`, '--stage', user('double')]),
      { deadlineMs: 120_000 },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.endedBy).toBe('completed');
    expect(summary.stages.map((s) => [s.name, s.workers, s.in, s.out])).toEqual([
      ['producers', 2, 0, 300],
      ['stamp', 1, 300, 300],
      ['double', 2, 300, 300],
      ['consumers', 4, 300, 0],
    ]);
    expect(summary.pool!.maxInUse).toBeLessThanOrEqual(2);
    expect(summary.pool!.acquisitions).toBe(300);
  });

  it('a TypeScript stage module loads through tsx, and is named after its file', async () => {
    const halve = fileURLToPath(new URL('../fixtures/user/halve.ts', import.meta.url));
    const args = ['-p', '1', '-n', '200', '--produce-ms', '0', '--consume-ms', '0', '--json', '--stall-ms', '60000'];
    const { code, stdout, stderr } = await runCli(
      [...args, '--stage', `${halve}=1`], // one producer: the numbers 0 to 199, half of them even
      { deadlineMs: 120_000 },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.stages[1]).toEqual({ name: 'halve', workers: 1, in: 200, out: 100, dropped: 100 });
  });

  it('a failing middle stage: exit code 1, the error on the summary, downstream drained', async () => {
    const env = { PT_OUT: outDir(), PT_ITEMS_PER_PRODUCER: '500', PT_STAGE_FAIL_AT: '20' };
    const args = ['--producer', user('producer'), '--consumer', user('consumer'), '--json', '--stall-ms', '60000'];
    const stages = ['--stage', user('double'), '--stage', user('stamp'), '--stage', user('drop-thirds')];
    const { code, stdout } = await runCli([...args, ...stages], { env, deadlineMs: 120_000 });
    expect(code).toBe(1);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/^S2\.\d failed: stage S2\.\d cannot handle item P\d:20$/);
    const [, , stamp, drop, consumers] = summary.stages;
    expect(drop!.in).toBe(stamp!.out);
    expect(consumers!.in).toBe(drop!.out);
  });
});
