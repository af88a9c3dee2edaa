/** Starts benchmark workers (through the package's bootstrap) and waits for all of their results. */
import type { TransferListItem } from 'node:worker_threads';
import { spawnWorker } from '../dist/threads/spawn.js';

export function runWorkers<R = unknown>(
  entry: URL,
  n: number,
  dataFor: (i: number) => object,
  transferFor: (i: number) => TransferListItem[] = () => [],
): Promise<R[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const worker = spawnWorker(entry, { workerData: dataFor(i), transferList: transferFor(i) });
      return new Promise<R>((resolve, reject) => {
        let result: R;
        worker.once('message', (m: R) => (result = m));
        worker.once('error', reject);
        worker.once('exit', (code) =>
          code === 0 ? resolve(result) : reject(new Error(`benchmark worker ${entry.pathname} exited with ${code}`)),
        );
      });
    }),
  );
}
