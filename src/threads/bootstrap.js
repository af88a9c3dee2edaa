// The first module of every worker this package starts: imports the module named by
// `workerData.__entry` (see spawn.ts), through loadModule so TypeScript entries work too.
import { workerData } from 'node:worker_threads';
import { loadModule } from './load-module.js';

const entry = workerData?.__entry;
if (typeof entry !== 'string') {
  throw new TypeError('pipeline-tui bootstrap: workerData.__entry must name the module to run');
}
await loadModule(entry);
