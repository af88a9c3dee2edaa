/**
 * An error thrown by the user's own module says where it was thrown (issue 21.3): the summary
 * shows the user's frames under its `Error:` line, and `--json` and the metrics log carry the
 * whole stack, file:line and all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-user-errors-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
// The throw is on line 2, column 24 of check(), called from consume() on line 5, column 3.
file(
  'c.mjs',
  'function check(item) {\n  if (item >= 0) throw new Error("cannot handle item " + item);\n}\n' +
    'export function consume(item) {\n  check(item);\n}\n',
);
file('p.mjs', 'export function* produce() {\n  yield 1;\n  throw new Error("the source dried up");\n}\n');

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an error in the user's module", () => {
  it("the summary shows the user's frames, relative to the current directory, under the error", async () => {
    const r = await runCli(['-n', '10', '--consumer', './c.mjs', '--plain'], { cwd: dir });
    expect(r.code).toBe(1);
    const frames = ' {2}at check \\(\\./c\\.mjs:2:24\\)\\n {2}at consume \\(\\./c\\.mjs:5:3\\)';
    expect(r.stdout).toMatch(new RegExp(`^Error: C\\d failed: cannot handle item \\d+\\n${frames}$`, 'm'));
  });

  it('--json and the metrics log carry the whole stack', async () => {
    const metrics = join(dir, 'run.jsonl');
    const r = await runCli(['-n', '10', '--consumer', './c.mjs', '--json', '--metrics', metrics], { cwd: dir });
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as { error: string; stack: string };
    expect(summary.error).toMatch(/^C\d failed: cannot handle item \d+$/);
    expect(summary.stack).toMatch(/^Error: cannot handle item \d+\n/);
    expect(summary.stack).toContain(`at check (file://${join(dir, 'c.mjs')}:2:24)`);
    expect(summary.stack).toContain(`at consume (file://${join(dir, 'c.mjs')}:5:3)`);
    expect(readMetricsLog(metrics).summary).toEqual(summary);
  });

  it("a producer's error too", async () => {
    const r = await runCli(['--producer', './p.mjs', '--plain'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Error: P\d failed: the source dried up\n {2}at produce \(\.\/p\.mjs:3:9\)$/m);
  });
});
