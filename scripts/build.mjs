// `npm run build`: dist/ from nothing, so a file removed from src/ or demos/ is not shipped stale,
// and the bin executable again (npx runs it as a program; tsc writes files without the x bit).
// Two builds: src/ → dist/ (the package, with its declarations), then demos/ → dist/demos/. The
// demos import the toolkit as `pipeline-tui`, which TypeScript finds in the first build's output.
// Files tsc does not emit (the broker's Lua scripts) are copied next to the modules that read them.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const project of ['tsconfig.build.json', 'tsconfig.demos.json'])
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
chmodSync('dist/cli/main.js', 0o755);
cpSync('src/broker/scripts', 'dist/broker/scripts', { recursive: true });
