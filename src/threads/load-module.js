// Imports a module by URL, first registering the `tsx` loader when it is TypeScript (this
// package's sources in development and tests, or a user's .ts target). Plain JavaScript needs
// nothing. Plain JS (not TS) so that it runs before any loader exists; shared by bootstrap.js
// (every worker we start) and pool-entry.js (ThreadPoolExecutor's piscina workers).
let registered = false;

/** @param {string} url @returns {Promise<Record<string, unknown>>} */
export async function loadModule(url) {
  if (!registered && /\.[cm]?tsx?$/.test(new URL(url).pathname)) {
    let register;
    try {
      ({ register } = await import('tsx/esm/api'));
    } catch {
      throw new Error(`cannot run TypeScript module ${url}: install the "tsx" package, or point at compiled JavaScript`);
    }
    register();
    registered = true;
  }
  return import(url);
}
