// `npm run build`: dist/ from nothing, so a file removed from src/ or demos/ is not shipped stale,
// and the bin executable again (npx runs it as a program; tsc writes files without the x bit).
// Two builds: src/ → dist/ (the package, with its declarations), then demos/ → dist/demos/. The
// demos import the toolkit as `pipeline-tui`, which TypeScript finds in the first build's output.
// Files tsc does not emit (the broker's Lua scripts) are copied next to the modules that read them.
// Then the dashboard's entries are bundled with Ink and React (bundle-tui.mjs says why), the
// broker's worker thread into one file (bundle-stream-worker.mjs: start-up), and the help text is
// written once, as yargs prints it, for `--help` to answer without loading yargs (cli/early-answer.ts).
//
// `--if-changed` (the `prepare` script) skips the build when dist/ was built from exactly the
// inputs there are now. npm runs `prepare` on `npm install`, and again every time `npx
// pipeline-tui` is run in a checkout whose npx cache lacks it: npm 11 installs the checkout into
// its cache as a linked directory dependency to run its own bin, and that ran two `tsc` builds
// (about 10 s of spinner) before the first dashboard. The stamp is a hash of every input's path
// and content, so an edit, a removal or a rename anywhere still rebuilds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleStreamWorker } from './bundle-stream-worker.mjs';
import { bundleTui } from './bundle-tui.mjs';

const STAMP = 'dist/.build-stamp';
const INPUTS = ['src', 'demos', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.demos.json'];

/** A hash of every input file's path and content. */
function inputsHash() {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) =>
    input.includes('.')
      ? [input]
      : readdirSync(input, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => `${e.parentPath ?? e.path}/${e.name}`),
  ).sort();
  for (const file of [...files, 'scripts/build.mjs', 'scripts/bundle-tui.mjs', 'scripts/bundle-stream-worker.mjs'])
    hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const stamp = inputsHash();
if (process.argv.includes('--if-changed') && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp) {
  console.log('dist/ is up to date with src/ and demos/; not rebuilt (`npm run build` rebuilds it anyway)');
  process.exit(0);
}
rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const project of ['tsconfig.build.json', 'tsconfig.demos.json'])
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
chmodSync('dist/cli/main.js', 0o755);
cpSync('src/broker/scripts', 'dist/broker/scripts', { recursive: true });
await bundleTui();
await bundleStreamWorker();
// Printed by the command itself, as yargs prints it: not a terminal (100 columns), yargs' default locale.
const help = execFileSync(process.execPath, ['dist/cli/main.js', '--help'], { env: { PATH: process.env.PATH } });
writeFileSync('dist/cli/help.txt', help.toString('utf8').replace(/\n$/, ''));
writeFileSync(STAMP, stamp);
