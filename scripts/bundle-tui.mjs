// The dashboard's two entries (dist/tui/run-dashboard.js, dist/tui/run-watch.js) bundled in place
// with Ink, React and their dependencies, so a dashboard loads a few files instead of about 550
// modules. Measured (docs/benchmarks.md, "Start-up"): Ink's `import { throttle } from
// 'es-toolkit/compat'` alone loads 415 modules, and Node's ESM loader spends most of the first
// frame's time resolving, reading and linking modules, not running them. The shared part (Ink,
// React) is one chunk under dist/tui/chunks/; Ink's devtools (only with DEV=true) stays a chunk
// of its own, loaded on demand, so react-devtools-core is needed only when asked for.
//
// React's build is still chosen at run time from NODE_ENV (cli/main.ts sets it): nothing here
// defines it, so the bundle carries both builds, as node_modules does.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const ENTRIES = ['dist/tui/run-dashboard.js', 'dist/tui/run-watch.js'];

// yoga-layout's Emscripten loader checks `typeof fetch` and, finding Node's, fetches its own
// base64 data: URL; the first touch of `fetch` loads undici (a fifth of the dashboard's load).
// Without a fetch in scope it decodes the same bytes directly.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, ({ path }) => ({
      contents: `const fetch = undefined;\n${readFileSync(path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

// string-width measures every text of every frame, segmenting any string past ASCII into graphemes;
// the dashboard's glyphs are all one column, and narrowWidth (src/tui/narrow-width.ts) answers
// for them first. Its own default export is renamed, so a new version that moves it fails here.
const NARROW_WIDTH = new URL('../dist/tui/narrow-width.js', import.meta.url).pathname;
const narrowFirst = {
  name: 'narrow-width-first',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const renamed = source.replace(/^export default function stringWidth\(/m, 'function measuredWidth(');
      if (renamed === source) throw new Error(`${path}: no \`export default function stringWidth(\` to wrap`);
      return {
        contents:
          `import { narrowWidth } from ${JSON.stringify(NARROW_WIDTH)};\n${renamed}\n` +
          'export default function stringWidth(text, options) {\n' +
          '  return narrowWidth(text, options) ?? measuredWidth(text, options);\n}\n',
        loader: 'js',
        resolveDir: path.replace(/[\\/][^\\/]*$/, ''),
      };
    });
  },
};

const REQUIRE = [
  "import { createRequire as __bundleRequire } from 'node:module';",
  'const require = __bundleRequire(import.meta.url);',
].join('\n');

export async function bundleTui() {
  await build({
    entryPoints: ENTRIES,
    outdir: 'dist/tui',
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['react-devtools-core'],
    plugins: [yogaWithoutFetch, narrowFirst],
    // Some CommonJS dependencies require() Node's built-ins; an ES module has no require of its own.
    banner: { js: REQUIRE },
    logLevel: 'warning',
  });
  // The declarations still describe the entries; the files they were bundled from stay too (the CLI's
  // plain output imports some of them).
  for (const entry of ENTRIES) rmSync(`${entry}.map`, { force: true });
}
