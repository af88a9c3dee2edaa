// Imports a module by URL, first registering the `tsx` loader when it is TypeScript (this
// package's sources in development and tests, a user's .ts Thread target, --producer or
// --consumer module). Plain JavaScript needs nothing. Plain JS (not TS) so that it runs before
// any loader exists; shared by bootstrap.js (every worker we start), pool-entry.js
// (ThreadPoolExecutor's piscina workers) and the user modules of the pipeline.
//
// tsx is looked up where the user has it: from the module's own folder (its project), then the
// current directory, then this package (a development checkout has it as a dev dependency).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let registered = false;

/** The message when no tsx can be found: one line, with the command that fixes it. */
export const NO_TSX =
  'TypeScript needs the "tsx" package, and none can be found from the module or the current directory: npm i -D tsx';

/** @param {string} url @returns {Promise<typeof tsx>} */
async function findTsx(url) {
  const from = [];
  if (url.startsWith('file:')) from.push(fileURLToPath(new URL('.', url)));
  from.push(process.cwd());
  for (const dir of from) {
    let path;
    try {
      path = createRequire(join(dir, 'noop.js')).resolve('tsx/esm/api');
    } catch {
      continue;
    }
    // require.resolve names the CommonJS build; its ESM twin sits next to it.
    const esm = path.replace(/\.cjs$/, '.mjs');
    return import(pathToFileURL(esm).href);
  }
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

/** True for a module URL or path that tsx must load (.ts, .mts, .cts, .tsx). */
export const isTypeScript = (/** @type {string} */ url) => /\.[cm]?tsx?$/.test(new URL(url).pathname);

/**
 * @type {{ register: () => unknown, tsImport: (url: string, parent: string) => Promise<Record<string, unknown>> }
 *   | undefined}
 */
let tsx;

/** @param {string} url @returns {Promise<Record<string, unknown>>} */
export async function loadModule(url) {
  if (!registered && isTypeScript(url)) {
    tsx = await findTsx(url);
    if (tsx === undefined) throw new Error(NO_TSX);
    tsx.register();
    registered = true;
  }
  try {
    return await import(url);
  } catch (error) {
    // Node 20 takes a .ts file outside a "type": "module" package (npm init -y writes "commonjs";
    // or no package.json at all) for CommonJS, finds `export` in it and refuses to require() it
    // "in a cycle" (Node 22 and later load it). tsx's own import loads it as the ES module it is.
    const code = /** @type {NodeJS.ErrnoException} */ (error)?.code;
    if (code !== 'ERR_REQUIRE_CYCLE_MODULE' || tsx === undefined || !isTypeScript(url)) throw error;
    return tsx.tsImport(url, import.meta.url);
  }
}
