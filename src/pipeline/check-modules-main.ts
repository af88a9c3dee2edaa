/**
 * The worker that checks a run's user modules before the run starts (checkUserModules in
 * user-modules.ts): it loads each as the run's workers will, says which one it is loading, and
 * ends with "ok" or the first module refused. The main thread keeps the deadline and ends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CheckMessage, checkModule, type ModuleToCheck, UserModuleError } from './user-modules.js';

const { modules } = workerData as { modules: ModuleToCheck[] };
const post = (message: CheckMessage): void => parentPort!.postMessage(message);

try {
  for (const [index, module] of modules.entries()) {
    post({ type: 'loading', index });
    await checkModule(module);
  }
  post({ type: 'ok' });
} catch (error) {
  if (!(error instanceof UserModuleError)) throw error;
  post({ type: 'refused', message: error.message });
}
