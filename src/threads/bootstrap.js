// The first module of every worker this package starts.
//
// It imports the module named by `workerData.__entry`. When that module is TypeScript (this
// package's own sources during development and tests, or a user's .ts producer/consumer), it first
// registers the `tsx` loader, which must then be installed. Plain JavaScript needs nothing.
import { workerData } from 'node:worker_threads';

const entry = workerData && workerData.__entry;
if (typeof entry !== 'string') {
  throw new TypeError('pipeline-tui bootstrap: workerData.__entry must name the module to run');
}
if (/\.[cm]?tsx?$/.test(new URL(entry).pathname)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    throw new Error(`cannot run TypeScript module ${entry}: install the "tsx" package, or point at compiled JavaScript`);
  }
  register();
}
await import(entry);
