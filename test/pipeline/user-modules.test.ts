/**
 * Bad --producer/--consumer/--stage modules are refused before any worker of the run starts
 * (issue 12): one stderr line naming the flag, the file and the problem, exit 2, no run output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('user-modules');
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(() => ensureBuilt(), 150_000);

const CASES: Array<[string, string[], (path: string) => string]> = [
  ['a missing file', ['--consumer', join(dir, 'nowhere.mjs')], (p) => `--consumer ${p}: no such file`],
  [
    'a syntax error, with its line:column',
    ['--consumer', file('syntax.mjs', 'export function consume() {\n  let x = ;\n}\n')],
    (p) => `--consumer ${p}: syntax error at 2:11: Unexpected token ';'`,
  ],
  [
    'a module that throws when imported',
    ['--producer', file('throws.mjs', 'throw new Error("no database");\n')],
    (p) => `--producer ${p}: cannot load the module: no database`,
  ],
  [
    'a module without the export',
    ['--consumer', file('noexport.mjs', 'export function consum() {}\n')],
    (p) => `--consumer ${p}: the module must export a function named "consume"`,
  ],
  ['a missing --stage module', ['--stage', join(dir, 'nowhere.mjs')], (p) => `--stage ${p}: no such file`],
  [
    'a --stage module without transform',
    ['--stage', file('notransform.mjs', 'export function consume() {}\n')],
    (p) => `--stage ${p}: the module must export a function named "transform"`,
  ],
  [
    'a --stage module with a syntax error, with workers given',
    ['--stage', `${file('broken-stage.mjs', 'export function transform(x) {\n  return x +;\n}\n')}=3`],
    (p) => `--stage ${p.replace(/=3$/, '')}: syntax error at 2:13: Unexpected token ';'`,
  ],
];

describe('user modules are validated before any worker starts', () => {
  for (const [what, args, message] of CASES) {
    it(what, async () => {
      const { code, stdout, stderr } = await runCli(['--plain', '-n', '10', ...args]);
      expect(code).toBe(2);
      expect(stdout).toBe(''); // no progress line, no summary: nothing ran
      expect(stderr.trimEnd().split('\n')).toEqual([`pipeline-tui: ${message(args[1]!)}`]);
    });
  }

  it('a good module still runs', async () => {
    const consumer = file('good.mjs', 'export function consume() {}\n');
    const { code, stdout } = await runCli(['--plain', '-n', '10', '--consumer', consumer]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Run completed .* consumed 10/);
  });
});

/**
 * A module whose loading never ends (issue 26.1): once the run exited 0 with no output at all, or
 * hung. Each fault here never ends, so the deadline's length (cut to 1 s) decides nothing but the
 * test's duration.
 */
describe('a module that never finishes loading is refused at the deadline', () => {
  const env = { PIPELINE_TUI_LOAD_TIMEOUT_MS: '1000' };
  const NEVER = 'await new Promise(() => {});\n';
  const never = file('never.mjs', `${NEVER}export function consume() {}\nexport function transform(x) { return x; }\n`);
  const neverProducer = file('never-producer.mjs', `${NEVER}export function* produce() {}\n`);
  const kept = file('kept-alive.mjs', `setInterval(() => {}, 1000);\n${NEVER}export function consume() {}\n`);
  const loop = file('loop.mjs', 'while (true) {}\nexport function consume() {}\n');
  const late = (flag: string, path: string): string =>
    `pipeline-tui: ${flag} ${path}: did not finish loading within 1 s (a top-level await that never settles, ` +
    'or a loop?); if it is only slow, raise PIPELINE_TUI_LOAD_TIMEOUT_MS';

  const REFUSED: Array<[string, string[], string]> = [
    ['--consumer', ['-n', '10', '--plain', '--consumer', never], late('--consumer', never)],
    ['--producer', ['-n', '10', '--plain', '--producer', neverProducer], late('--producer', neverProducer)],
    ['--stage', ['-n', '10', '--plain', '--stage', never], late('--stage', never)],
    ['--json', ['-n', '10', '--json', '--consumer', never], late('--consumer', never)],
    ['a timer keeping it alive', ['-n', '10', '--plain', '--consumer', kept], late('--consumer', kept)],
    ['a top level that never returns', ['-n', '10', '--plain', '--consumer', loop], late('--consumer', loop)],
    // The module is checked before the broker is asked for: none is needed to see it refused.
    [
      'worker --consumer',
      ['worker', '--broker', 'redis://127.0.0.1:1', '--stream', 's', '--role', 'consumer', '--consumer', never],
      late('--consumer', never),
    ],
  ];
  for (const [what, args, message] of REFUSED) {
    it(`${what}: one line naming it, exit 2, nothing started`, async () => {
      const { code, stdout, stderr } = await runCli(args, { env, deadlineMs: 30_000 });
      expect(stderr.trimEnd().split('\n')).toEqual([message]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
    });
  }

  it("one that never loads in the run's workers only: they fail at the deadline and the run ends, exit 1", async () => {
    // Loads at once when checked; in the run's own workers (their data names a role) it never does.
    const inRun = file(
      'never-in-run.mjs',
      "import { workerData } from 'node:worker_threads';\n" +
        `if (workerData?.role !== undefined) {\n  setInterval(() => {}, 1000);\n  ${NEVER}}\n` +
        'export function consume() {}\n',
    );
    // A deadline the check of this small module meets even on a loaded machine; the run's workers never do.
    const slowEnv = { PIPELINE_TUI_LOAD_TIMEOUT_MS: '10000' };
    const { code, stdout } = await runCli(['-n', '10', '--plain', '--consumer', inRun], {
      env: slowEnv,
      deadlineMs: 60_000,
    });
    expect(stdout).toMatch(/Run FAILED in .*\n[\s\S]*Workers: P1 \d+, P2 \d+, C1 0 FAILED, C2 0 FAILED, C3 0 FAILED/);
    expect(stdout).toContain(`failed: --consumer ${inRun}: did not finish loading within 10 s`);
    expect(code).toBe(1);
  });

  it('a bad PIPELINE_TUI_LOAD_TIMEOUT_MS is refused in one line', async () => {
    const good = file('good-too.mjs', 'export function consume() {}\n');
    const r = await runCli(['-n', '10', '--consumer', good], { env: { PIPELINE_TUI_LOAD_TIMEOUT_MS: '10s' } });
    expect(r.stderr).toBe(
      'pipeline-tui: PIPELINE_TUI_LOAD_TIMEOUT_MS must be a whole number of milliseconds above 0, got "10s"\n',
    );
    expect(r.code).toBe(2);
  });
});
