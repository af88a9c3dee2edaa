/** Starts benchmark workers (through the package's bootstrap) and waits for all of them. */
import { spawnWorker } from '../dist/threads/spawn.js';

export function runWorkers<R = unknown>(entry: URL, n: number, dataFor: (i: number) => object): Promise<R[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const worker = spawnWorker(entry, { workerData: dataFor(i) });
      return new Promise<R>((resolve, reject) => {
        let result: R;
        worker.once('message', (m: R) => (result = m));
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve(result) : reject(new Error(`benchmark worker exited with ${code}`))));
      });
    }),
  );
}
