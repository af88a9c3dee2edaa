/**
 * The README's quick start, as a newcomer runs it (issue 21, item 1): after `npm install` in a
 * fresh checkout, `npx pipeline-tui` runs the bin that install built. npm 11 installs the
 * checkout into its npx cache as a linked dependency to run the package's own bin, which runs its
 * `prepare` script again: that must not rebuild dist/ (two tsc builds, ~10 s behind a spinner).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { userEnv } from '../helpers/user-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a clone holds that the build reads (node_modules is linked: `npm install` is not under test). */
const CHECKOUT = ['src', 'demos', 'scripts', 'package.json', 'package-lock.json'];
const TSCONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'tsconfig.demos.json'];

describe('the quick start in a fresh checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-clone-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npx pipeline-tui runs the bin npm install built, without building it again', () => {
    for (const entry of [...CHECKOUT, ...TSCONFIGS]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const home = join(dir, '.home');
    mkdirSync(home);
    // A fresh npm cache (HOME), as on a machine that never ran npx here; no update check.
    const env = userEnv({ HOME: home, npm_config_update_notifier: 'false', npm_config_fund: 'false' });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
      scripts: { prepare: string };
    };
    // `npm install`'s last step, on the checkout: its prepare script.
    const install = spawnSync('npm', ['run', 'prepare'], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
    expect(install.status, `${pkg.scripts.prepare}: ${install.stdout}${install.stderr}`).toBe(0);
    const built = statSync(join(dir, 'dist/cli/main.js'));

    const npx = spawnSync('npx', ['pipeline-tui', '--version'], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
    expect(npx.stdout.trim(), npx.stderr).toBe(pkg.version);
    const after = statSync(join(dir, 'dist/cli/main.js'));
    // scripts/build.mjs empties dist/ first: a rebuild gives the bin a new inode.
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: built.ino, mtimeMs: built.mtimeMs });
  }, 600_000);
});
