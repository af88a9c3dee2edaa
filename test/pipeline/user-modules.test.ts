/**
 * Bad --producer/--consumer/--stage modules are refused in the main thread before any worker starts
 * (issue 12): one stderr line naming the flag, the file and the problem, exit 2, no run output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-user-modules-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(() => ensureBuilt(), 150_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
