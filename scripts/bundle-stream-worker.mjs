// The broker's worker thread (dist/broker/stream-worker-main.js) as one file, written over the
// module tsc emitted, with ioredis and hdr-histogram-js inside it. Every producer and consumer of a
// `--broker` run or a `pipeline-tui worker` is a thread of its own, and each one loaded its module
// graph anew: some 80 files found, read and compiled per thread, about 350 ms of CPU (ioredis 230,
// the histogram library 90), so a `worker -c 8` spent seconds of CPU before all its threads
// consumed. One file of the same code loads in about half that. The user-module loader stays a
// module of its own (it starts tsx and user code, and finds its files from its own URL); the Lua
// scripts are read from ./scripts/ next to the bundle, where the build copies them anyway.
import { build } from 'esbuild';

const OUT = 'dist/broker/stream-worker-main.js';

/** The bundled CommonJS code (ioredis) calls require and reads __dirname, which an ES module lacks. */
const BANNER = [
  "import { createRequire as __ptCreateRequire } from 'node:module';",
  "import { fileURLToPath as __ptFileURLToPath } from 'node:url';",
  'const require = __ptCreateRequire(import.meta.url);',
  "const __dirname = __ptFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

export async function bundleStreamWorker() {
  await build({
    entryPoints: [OUT],
    outfile: OUT,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: BANNER },
    plugins: [
      {
        name: 'user-modules-apart',
        setup(b) {
          // Imported as `./user-modules.js` from dist/pipeline/; the bundle sits in dist/broker/.
          b.onResolve({ filter: /\/user-modules\.js$/ }, () => ({
            path: '../pipeline/user-modules.js',
            external: true,
          }));
        },
      },
    ],
  });
}
