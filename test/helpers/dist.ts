/**
 * The BUILT package (dist/), for tests that must run what users run: the `pipeline-tui` command
 * and child `node` processes that import dist/index.js. `npm test` builds first; when the tests
 * run alone (`npx vitest run test/sync`), `ensureBuilt()` rebuilds if dist lacks the output of any
 * source (of src/ or demos/) or is older than it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/** The two builds of scripts/build.mjs: each project's TypeScript sources and where they are compiled to. */
const BUILDS = [
  { project: 'tsconfig.build.json', from: 'src', to: 'dist' },
  { project: 'tsconfig.demos.json', from: 'demos', to: 'dist/demos' },
];

/** Every source of `from` whose output in `to` is missing or older than it (paths under the root). */
function staleIn(from: string, to: string): string[] {
  return readdirSync(`${ROOT}${from}`, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .filter((src) => {
      const out = `${ROOT}${to}/${src.replace(/\.tsx?$/, '.js')}`;
      return !existsSync(out) || statSync(out).mtimeMs < statSync(`${ROOT}${from}/${src}`).mtimeMs;
    })
    .map((src) => `${from}/${src}`);
}

const stale = (): string[] => BUILDS.flatMap(({ from, to }) => staleIn(from, to));

/**
 * Builds dist/ unless it is up to date for the checked sources. A type error elsewhere in the tree
 * fails `tsc` but still emits JavaScript, so only stale output after the build is an error here.
 */
export function ensureBuilt(): void {
  // The files tsc does not emit (the broker's Lua scripts), as scripts/build.mjs copies them.
  cpSync(`${ROOT}src/broker/scripts`, `${ROOT}dist/broker/scripts`, { recursive: true });
  if (stale().length === 0) return;
  // tsc alone, not `npm run build`: that empties dist/ first, under the feet of test files that
  // run the built command in parallel. In order: the demos compile against the package's declarations.
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  const output = BUILDS.map(({ project }) => {
    const build = spawnSync(process.execPath, [tsc, '-p', project], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    return `${build.stdout}${build.stderr}`;
  });
  // Printed by yargs at build time (scripts/build.mjs): it may no longer match the parser just
  // compiled, and without it `--help` is answered by yargs itself.
  rmSync(`${ROOT}dist/cli/help.txt`, { force: true });
  const left = stale();
  if (left.length > 0) throw new Error(`the build left dist/ stale for ${left.join(', ')}:\n${output.join('\n')}`);
}
