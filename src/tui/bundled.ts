/**
 * Where a dashboard entry is loaded from: the build's bundle with React's production build alone
 * (dist/tui/production/, scripts/bundle-tui.mjs) when NODE_ENV is production, as the bin sets it
 * unless the user chose otherwise — it compiles in about half the time of the bundle that carries
 * both builds. Otherwise, or where there is no such bundle (the sources run through tsx), the
 * entry beside this file, which chooses React's build from NODE_ENV at run time.
 */
import { existsSync } from 'node:fs';

export function bundled(entry: 'run-dashboard' | 'run-watch'): string {
  const production = new URL(`./production/${entry}.js`, import.meta.url);
  if (process.env['NODE_ENV'] === 'production' && existsSync(production)) return production.href;
  return new URL(`./${entry}.js`, import.meta.url).href;
}
