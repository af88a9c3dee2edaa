/**
 * The demo tests run the BUILT command (dist/, as `npx pipeline-tui demo` does). When the tests
 * run alone, `ensureDemosBuilt()` rebuilds if dist lacks a demo source or is older than it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Sources (relative to src/) the demo command is built from. */
function sources(): string[] {
  const demos = readdirSync(`${ROOT}src/demos`, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return ['cli/main.ts', 'cli/parse-args.ts', 'cli/demo-command.ts', ...demos.map((f) => `demos/${f}`)];
}

function stale(): string[] {
  return sources().filter((src) => {
    const out = `${ROOT}dist/${src.replace(/\.ts$/, '.js')}`;
    return !existsSync(out) || statSync(out).mtimeMs < statSync(`${ROOT}src/${src}`).mtimeMs;
  });
}

/** Builds dist/ unless it is up to date for the demos. (tsc emits even when other files have type errors.) */
export function ensureDemosBuilt(): void {
  if (stale().length === 0) return;
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const left = stale();
  if (left.length > 0) throw new Error(`npm run build left dist/ stale for ${left.join(', ')}:\n${build.stdout}\n${build.stderr}`);
}
