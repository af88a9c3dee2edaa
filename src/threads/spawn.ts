/**
 * Starting workers: every worker runs `bootstrap.js`, which imports the real entry module.
 *
 * The indirection lets one code path start both compiled JavaScript (`dist/`, what users run) and
 * TypeScript sources (`src/`, what the tests run): the bootstrap registers a TypeScript loader only
 * when the entry needs one.
 */

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { REGISTRY_KEY, threadRegistry } from './registry.js';

const BOOTSTRAP = new URL('./bootstrap.js', import.meta.url);

/** The extension of this package's own modules where this file runs (`.ts` in src, `.js` in dist). */
export const OWN_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** URL of a module of this package next to `base`, e.g. `ownModule(import.meta.url, './worker-main')`. */
export function ownModule(base: string, relative: string): URL {
  return new URL(relative + OWN_EXT, base);
}

/** A module given as a URL, a `file:` URL string, or a path (relative paths resolve against cwd). */
export function moduleUrl(target: string | URL): URL {
  if (target instanceof URL) return target;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !/^[a-z]:[\\/]/i.test(target)) return new URL(target);
  return pathToFileURL(isAbsolute(target) ? target : resolve(target));
}

/**
 * Start a worker running `entry` (a module URL). `workerData.__entry` is reserved for the
 * bootstrap; `workerData.__threadRegistry` carries the process's thread registry, so Threads
 * started inside any of our workers are seen by `enumerate()` everywhere.
 */
export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const data = (options.workerData ?? {}) as Record<string, unknown>;
  const registry = data[REGISTRY_KEY] ?? threadRegistry().handle;
  const worker = new Worker(BOOTSTRAP, {
    ...options,
    workerData: { ...data, [REGISTRY_KEY]: registry, __entry: entry.href },
  });
  allowPipedOutput(worker);
  return worker;
}

/**
 * A worker's stdout and stderr are piped into the process's own, and each pipe adds an 'error'
 * listener there: past ten live workers Node warned of a listener leak that is none (a pipeline
 * with stages starts ten by default). Each live worker raises the limit by one.
 */
function allowPipedOutput(worker: Worker): void {
  const streams = [process.stdout, process.stderr].filter((s) => s.getMaxListeners() > 0); // 0: no limit
  for (const stream of streams) stream.setMaxListeners(stream.getMaxListeners() + 1);
  worker.once('exit', () => {
    for (const stream of streams) stream.setMaxListeners(Math.max(1, stream.getMaxListeners() - 1));
  });
}
