// The dashboard's two entries (dist/tui/run-dashboard.js, dist/tui/run-watch.js) bundled in place
// with Ink, React and their dependencies, so a dashboard loads a few files instead of about 550
// modules. Measured (docs/benchmarks.md, "Start-up"): Ink's `import { throttle } from
// 'es-toolkit/compat'` alone loads 415 modules, and Node's ESM loader spends most of the first
// frame's time resolving, reading and linking modules, not running them. The shared part (Ink,
// React) is one chunk under dist/tui/chunks/; Ink's devtools (only with DEV=true) stays a chunk
// of its own, loaded on demand, so react-devtools-core is needed only when asked for.
//
// React's build is chosen at run time from NODE_ENV (cli/main.ts sets it): the bundle in place
// carries both builds, as node_modules does; dist/tui/production/ has the production one alone.
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

// Ink draws each frame on a new Output: a new grid of one object per cell, and new caches of the
// texts it tokenized into styled characters and measured. Most of a dashboard frame's texts are
// the previous frame's (labels, the key bar, rows that did not move), and tokenizing was the
// largest part of a frame (docs/benchmarks.md, "Start-up and the dashboard's frames"). Here the
// caches outlive the frame (emptied past a bound, so changing texts cannot grow them without
// end) and every blank cell is one shared object. Both are only read once made: the grid's cells
// are replaced, never changed, and the styled characters are copied out as strings.
const CACHE_LINES = 4096;
const sharedOutputCaches = {
  name: 'shared-output-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const edits = [
        ['    caches = new OutputCaches();', '    caches = sharedCaches();'],
        [
          "                row.push({\n                    type: 'char',\n                    value: ' ',\n" +
            '                    fullWidth: false,\n                    styles: [],\n                });',
          '                row.push(BLANK);',
        ],
      ];
      let contents = source;
      for (const [from, to] of edits) {
        if (!contents.includes(from)) throw new Error(`${path}: no \`${from.trim().split('\n')[0]}\` to replace`);
        contents = contents.replace(from, to);
      }
      contents +=
        "\nconst BLANK = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });\n" +
        'let shared;\n' +
        'function sharedCaches() {\n' +
        `  const full = shared !== undefined && shared.styledChars.size + shared.widths.size > ${CACHE_LINES};\n` +
        '  if (shared === undefined || full) shared = new OutputCaches();\n' +
        '  return shared;\n}\n';
      return { contents, loader: 'js', resolveDir: path.replace(/[\\/][^\\/]*$/, '') };
    });
  },
};

const REQUIRE = [
  "import { createRequire as __bundleRequire } from 'node:module';",
  'const require = __bundleRequire(import.meta.url);',
].join('\n');

/** One build of the entries into `outdir`; `define`: compile-time constants. */
function bundleInto(outdir, define = {}) {
  return build({
    entryPoints: ENTRIES,
    outdir,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['react-devtools-core'],
    plugins: [yogaWithoutFetch, narrowFirst, sharedOutputCaches],
    // Some CommonJS dependencies require() Node's built-ins; an ES module has no require of its own.
    banner: { js: REQUIRE },
    define,
    logLevel: 'warning',
  });
}

export async function bundleTui() {
  // A second copy with React's production build alone (NODE_ENV fixed at build time), which the bin
  // loads unless the user chose another NODE_ENV (src/tui/bundled.ts): the development build was
  // 60 % of the bundle's source, compiled before the first frame all the same. Built first, from
  // the unbundled entries.
  await bundleInto('dist/tui/production', { 'process.env.NODE_ENV': '"production"' });
  await bundleInto('dist/tui');
  // The declarations still describe the entries; the files they were bundled from stay too (the CLI's
  // plain output imports some of them).
  for (const entry of ENTRIES) rmSync(`${entry}.map`, { force: true });
}
