// The task function piscina runs for ThreadPoolExecutor: imports the task's module (cached by the
// module system after the first time) and calls the named export with the arguments, reviving
// shared objects passed by handle (see shared-args.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModule } from './load-module.js';

const compiled = new URL('./shared-args.js', import.meta.url);
const sharedArgs = loadModule(
  existsSync(fileURLToPath(compiled)) ? compiled.href : new URL('./shared-args.ts', import.meta.url).href,
);

/** @param {{ module: string, name: string, args: unknown[] }} task */
export default async function runTask({ module, name, args }) {
  const [mod, { unpackArgs }] = await Promise.all([loadModule(module), sharedArgs]);
  const fn = mod[name];
  if (typeof fn !== 'function') throw new TypeError(`task module ${module} has no exported function "${name}"`);
  return fn(...unpackArgs(args));
}
