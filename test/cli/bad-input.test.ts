import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestFlag } from '../../src/cli/did-you-mean.js';
import { runCli } from '../helpers/cli.js';

const WORKER = ['worker', '--broker', 'redis://127.0.0.1:1', '--stream', 's', '--role', 'consumer'];

// Each case: the arguments, and a fragment the one-line error must contain (naming the flag).
const CASES: Array<[string[], RegExp]> = [
  // No guess unless a flag of the command is a typo away (--bogus is 5 edits from --items).
  [['--bogus'], /^pipeline-tui: unknown flag --bogus; see pipeline-tui --help$/m],
  [['--consumer-ms', '5'], /unknown flag --consumer-ms \(did you mean --consume-ms\?\); see pipeline-tui --help/],
  [['-x'], /^pipeline-tui: unknown flag -x; see pipeline-tui --help$/m],
  // A flag of another command is named as such, with the help of the command given.
  [['worker', '--record', 'w.cast'], /^pipeline-tui: worker does not take --record; see pipeline-tui worker --help$/m],
  [
    ['worker', '--metrics', 'w.jsonl'],
    /^pipeline-tui: worker does not take --metrics; see pipeline-tui worker --help$/m,
  ],
  [['worker', '--plain'], /^pipeline-tui: worker does not take --plain; see pipeline-tui worker --help$/m],
  [['watch', 'redis://h', '--stream', 's', '--record', 'w.cast'], /^pipeline-tui: watch does not take --record; see/m],
  [
    ['worker', '--keeep'],
    /^pipeline-tui: unknown flag --keeep \(did you mean --keep\?\); see pipeline-tui worker --help$/m,
  ],
  [[...WORKER, '--consume-ms', 'slow'], /^pipeline-tui: --consume-ms must be a number from 0 to 3600000, got "slow"$/m],
  [[...WORKER, '--produce-ms', '5'], /^pipeline-tui: --produce-ms is for --role producer, not --role consumer$/m],
  [[...WORKER, '--work', 'nap'], /^pipeline-tui: --work must be one of sleep, spin, got "nap"$/m],
  [[...WORKER, '--stage', 'x.mjs'], /^pipeline-tui: --stage is for --role stage, not --role consumer$/m],
  [[...WORKER.slice(0, -1), 'stage'], /^pipeline-tui: --role stage needs --stage: the stage's module, .*$/m],
  [
    [...WORKER.slice(0, -1), 'stage', '--stage', 'x.mjs', '-w', '0'],
    /^pipeline-tui: --workers must be an integer from 1 to 64, got 0$/m,
  ],
  [[...WORKER, '--wait-ms', 'soon'], /^pipeline-tui: --wait-ms must be an integer of 0 or more .*, got "soon"$/m],
  [[...WORKER, '--wait-ms', '-5'], /^pipeline-tui: --wait-ms must be an integer of 0 or more/m],
  [['-p'], /-p needs a value/],
  [['-p', '-1'], /--producers must be an integer from 1 to 64, got -1/],
  [['-p', 'many'], /--producers must be an integer from 1 to 64, got "many"/],
  [['-p', 'abc'], /^pipeline-tui: --producers must be an integer from 1 to 64, got "abc"$/m],
  [['--consume-ms', 'slow'], /--consume-ms must be a number from 0 to 3600000, got "slow"/],
  [['replay', 'x.jsonl', '--speed', 'fast'], /--speed must be a number above 0 \(2 = twice as fast\), got "fast"/],
  [['-c', '0'], /--consumers must be an integer from 1 to 64, got 0/],
  [['-q', '0'], /--capacity must be an integer from 1 to 1000000, got 0/],
  [['--capacity', '2.5'], /--capacity must be an integer/],
  [['-n', '-5'], /--items must be an integer from 0/],
  [['--work', 'nap'], /--work must be one of sleep, spin, got "nap"/],
  [['--shutdown', 'explode'], /--shutdown must be one of sentinel, close, got "explode"/],
  [['--jitter', '2'], /--jitter must be a number from 0 to 1, got 2/],
  [['--duration', 'soon'], /--duration must be a positive duration/],
  [['-n', '10', '--duration', '5s'], /--items and --duration cannot be used together/],
  [['--refresh', '1'], /--refresh must be an integer from 16 to 10000, got 1/],
  [['--plain', '--json'], /--plain and --json cannot be used together/],
  [['--stage', 'x=0'], /^pipeline-tui: --stage must be module\[=N\] with N from 1 to 64, got "x=0"$/m],
  [['--stage', 'x=65'], /--stage must be module\[=N\] with N from 1 to 64, got "x=65"/],
  [['--stage', './a.mjs', '--stage', 'b.mjs=two'], /--stage must be module\[=N\] with N from 1 to 64, got "b.mjs=two"/],
  [['--stage', '=3'], /--stage must be module\[=N\] with N from 1 to 64, got "=3"/],
  [['--stage'], /--stage needs a value/],
  [['--pool', '0'], /^pipeline-tui: --pool must be an integer from 1 to 64, got 0$/m],
  [['--pool', 'few'], /--pool must be an integer from 1 to 64, got "few"/],
  [['demo', 'balanced', '--stage', 'x=0'], /--stage must be module\[=N\] with N from 1 to 64, got "x=0"/],
  [['run', 'extra'], /unexpected argument "extra"; see pipeline-tui --help/],
];

describe('bad input: one line naming the flag, exit code 2', () => {
  for (const [args, message] of CASES) {
    it(`pipeline-tui ${args.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
      expect(stdout).toBe('');
    });
  }
});

describe('help and version', () => {
  it('--help teaches: flags, examples, keys, exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const text of [
      '--producers',
      '--consumers',
      '--capacity',
      '--items',
      '--duration',
      '--rate',
      '--produce-ms',
      '--consume-ms',
      '--jitter',
      '--work',
      '--producer',
      '--consumer',
      '--shutdown',
      '--refresh',
      '--plain',
      '--json',
      '--seed',
      '--stage',
      '--pool',
      '--stage ./keep-odd.mjs',
      './square.mjs=4',
      'Examples:',
      'Exit codes',
    ]) {
      expect(stdout).toContain(text);
    }
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('each command lists exactly the flags it takes: worker and watch no --record or --metrics', async () => {
    const help = async (command: string) => (await runCli([command, '--help'])).stdout;
    const worker = await help('worker');
    for (const flag of ['--wait-ms', '--keep', '--json', '--consume-ms', '--produce-ms', '--work', '--refresh'])
      expect(worker).toContain(flag);
    for (const flag of ['--record', '--metrics', '--plain', '--color', 'dashboard']) expect(worker).not.toContain(flag);
    expect(worker).toMatch(/--wait-ms .*\n?.*\[default: forever\]/);
    const watch = await help('watch');
    for (const flag of ['--plain', '--json', '--color', '--duration']) expect(watch).toContain(flag);
    for (const flag of ['--record', '--metrics']) expect(watch).not.toContain(flag);
    for (const command of ['run', 'replay', 'demo'])
      for (const flag of ['--plain', '--json', '--record', '--metrics']) expect(await help(command)).toContain(flag);
  });

  it('worker --record and --metrics are refused before anything starts: no file written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-worker-flags-'));
    const files = [join(dir, 'w.cast'), join(dir, 'w.jsonl')];
    const { code, stdout, stderr } = await runCli([...WORKER, '--record', files[0]!, '--metrics', files[1]!]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^pipeline-tui: worker does not take --(record|metrics); see pipeline-tui worker --help\n$/);
    expect(files.filter(existsSync)).toEqual([]);
  });
});

describe('"did you mean": a flag of the command a typo or two away, never the flag given', () => {
  const known = ['consume-ms', 'consumer', 'consumers', 'items', 'json', 'keep', 'refresh'];
  it.each([
    ['--consumer-ms', '--consume-ms'],
    ['--jsn', '--json'],
    ['--refrsh', '--refresh'],
    ['--bogus', undefined],
    ['--record', undefined],
    ['-x', undefined],
  ])('%s → %s', (typed, expected) => {
    expect(closestFlag(typed, known)).toBe(expected);
  });
  it('never suggests the flag given (a flag known by that name to some other command)', () => {
    expect(closestFlag('--consume-ms', ['consume-ms', 'items'])).toBeUndefined();
  });
});
