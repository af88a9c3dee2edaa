/**
 * React and react-reconciler each choose their build from NODE_ENV when first loaded; a mix of
 * the two draws nothing. The bin must load one build for both, whatever the user's shell has:
 * a probe loaded with `--import` lists, at exit, which React modules were really run from
 * node_modules. The dashboard's bundle (scripts/bundle-tui.mjs) carries its own React, chosen in it
 * the same way: then none is run from node_modules, and the frames in the recording are the proof.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCast } from '../helpers/cast.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('react');
const probe = join(dir, 'probe.mjs');
// `loaded`: Node also parks never-run stubs of both builds in the cache while it reads CommonJS exports.
writeFileSync(
  probe,
  `import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
const cache = createRequire(import.meta.url).cache;
if (isMainThread) process.on('exit', () => {
  const builds = Object.keys(cache).filter((k) => cache[k].loaded && /react(-reconciler)?[\\\\/]cjs[\\\\/]/.test(k));
  process.stderr.write('BUILDS ' + JSON.stringify(builds.map((k) => k.replace(/.*node_modules[\\\\/]/, ''))) + '\\n');
});
`,
);

beforeAll(() => ensureBuilt(), 120_000);

describe('one React build for React and the reconciler', () => {
  for (const [nodeEnv, build] of [
    [undefined, 'production'],
    ['development', 'development'],
    ['production', 'production'],
  ] as const) {
    it(
      `NODE_ENV ${nodeEnv ?? 'unset'}: every React module is the ${build} build, ` +
        'and a recording from a pipe has real frames',
      async () => {
        const cast = join(dir, `${nodeEnv ?? 'unset'}.cast`);
        const env: Record<string, string> = nodeEnv ? { NODE_ENV: nodeEnv } : {};
        const { code, stderr } = await runCli(['-n', '300', '--record', cast, '--json'], {
          env,
          nodeArgs: ['--import', probe],
        });
        expect(code).toBe(0);
        const builds = JSON.parse(/^BUILDS (.*)$/m.exec(stderr)![1]!) as string[];
        if (builds.length > 0)
          expect(builds).toEqual(
            expect.arrayContaining([
              `react/cjs/react.${build}.js`,
              `react-reconciler/cjs/react-reconciler.${build}.js`,
            ]),
          );
        expect(builds.filter((b) => !b.includes(`.${build}.`))).toEqual([]);
        const { output } = parseCast(readFileSync(cast, 'utf8'));
        // A quick run may end before a live frame is due; the summary is drawn by Ink all the same.
        expect(output).toContain('Run completed');
      },
    );
  }
});
