/**
 * The BUILT package (dist/), for tests that must run what users run: the `pipeline-tui` command
 * and child `node` processes that import dist/index.js. `npm test` builds first; when the tests
 * run alone (`npx vitest run test/sync`), `ensureBuilt()` rebuilds if dist lacks any source's
 * output or is older than it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** The built modules of the synchronization primitives (what dist/index.js re-exports from sync). */
export const DIST_SYNC = [
  'lock',
  'rlock',
  'semaphore',
  'bounded-semaphore',
  'condition',
  'event',
  'barrier',
  'hold',
  'errors',
].map((name) => fileURLToPath(new URL(`../../dist/sync/${name}.js`, import.meta.url)));
export const DIST_QUEUE = fileURLToPath(new URL('../../dist/queue/index.js', import.meta.url));

/** Every TypeScript source (relative to src/): dist must be at least as new as each. */
function sources(): string[] {
  return readdirSync(`${ROOT}src`, { recursive: true, encoding: 'utf8' }).filter(
    (f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'),
  );
}

function stale(): string[] {
  return sources().filter((src) => {
    const out = `${ROOT}dist/${src.replace(/\.tsx?$/, '.js')}`;
    return !existsSync(out) || statSync(out).mtimeMs < statSync(`${ROOT}src/${src}`).mtimeMs;
  });
}

/**
 * Builds dist/ unless it is up to date for the checked sources. A type error elsewhere in the tree
 * fails `tsc` but still emits JavaScript, so only stale output after the build is an error here.
 */
export function ensureBuilt(): void {
  if (stale().length === 0) return;
  // tsc alone, not `npm run build`: that empties dist/ first, under the feet of test files that
  // run the built command in parallel.
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const left = stale();
  if (left.length > 0) {
    throw new Error(`npm run build left dist/ stale for ${left.join(', ')}:\n${build.stdout}\n${build.stderr}`);
  }
}
