import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, Lock } from '../../dist/index.js';

const { lock, counter, iterations, start } = workerData as {
  lock: Lock['handle'];
  counter: Int32Array;
  iterations: number;
  start: Barrier['handle'];
};
const l = Lock.from(lock);
Barrier.from(start).wait(); // all workers begin together, so they really contend
const t0 = performance.now();
for (let i = 0; i < iterations; i++) {
  l.acquire();
  counter[0] = counter[0]! + 1;
  l.release();
}
parentPort!.postMessage(performance.now() - t0);
