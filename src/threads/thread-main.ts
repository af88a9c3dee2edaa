/**
 * The entry of a Thread's worker: waits until the starting thread has registered it, imports the
 * target module, calls the exported function with the arguments (reviving shared objects, see
 * shared-args.ts) and awaits it, and reports an uncaught error to the starting thread, which
 * passes it to the excepthook.
 *
 * The thread ends when its worker's event loop is empty, as any worker's: a target that leaves a
 * timer or a server running keeps its thread alive (and `join` waiting) until they stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModule } from './load-module.js';
import { unpackArgs } from './shared-args.js';
import type { ResolvedTarget } from './target.js';

export interface ThreadWorkerData {
  target: ResolvedTarget;
  args: unknown[];
  /** Set to 1 by the starting thread once this thread is in the registry. */
  started: Int32Array;
}

export type ThreadMessage = { type: 'exception'; error: unknown };

const { target, args, started } = workerData as ThreadWorkerData;
Atomics.wait(started, 0, 0);

try {
  const mod = await loadModule(target.module);
  const fn = mod[target.name];
  if (typeof fn !== 'function')
    throw new TypeError(`thread target ${target.module} has no exported function "${target.name}"`);
  await (fn as (...a: unknown[]) => unknown)(...unpackArgs(args));
} catch (error) {
  let message: ThreadMessage = { type: 'exception', error };
  try {
    parentPort!.postMessage(message);
  } catch {
    // Not cloneable (e.g. an error holding functions): send what a reader needs.
    const e = error as Error;
    message = { type: 'exception', error: { name: e?.name, message: e?.message ?? String(error), stack: e?.stack } };
    parentPort!.postMessage(message);
  }
}
