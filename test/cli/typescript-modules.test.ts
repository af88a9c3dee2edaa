/**
 * A user's TypeScript module outside an ESM project (issue 21, item 2): in a folder made by
 * `npm init -y` (npm 11 writes "type": "commonjs") with tsx installed, and in a folder with no
 * package.json, a `.ts` consumer runs — on Node 20 too, which took it for CommonJS and refused to
 * require() its `export` "in a cycle".
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/pipeline/types.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';

beforeAll(() => ensureBuilt(), 150_000);

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));
const CONSUMER = [
  'export function consume(item: number): void {',
  '  if (typeof item !== "number") throw new Error("not a number");',
  '}',
  '',
].join('\n');

/** A folder holding consumer.ts, with `packageJson` (none if undefined) and tsx installed when asked. */
function project(packageJson: object | undefined, withTsx: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-ts-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
  if (packageJson !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
  if (withTsx) symlinkSync(NODE_MODULES, join(dir, 'node_modules'));
  return dir;
}

describe('a TypeScript consumer outside an ESM project', () => {
  const cases = [
    ['npm init -y (type commonjs), tsx installed', { name: 'mine', version: '1.0.0', type: 'commonjs' }, true],
    ['no package.json (tsx from this checkout)', undefined, false],
  ] as const;
  for (const [what, packageJson, withTsx] of cases) {
    it(`${what}: the run completes`, async () => {
      const dir = project(packageJson, withTsx);
      const { code, stdout, stderr } = await runCli(['-n', '40', '--json', '--consumer', join(dir, 'consumer.ts')]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout) as Summary).toMatchObject({ endedBy: 'completed', consumed: 40 });
    });
  }
});
