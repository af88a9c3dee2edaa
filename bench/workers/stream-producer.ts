// Puts the numbers [from, to) on a StreamQueue in batches of `batch` (one script call each), once
// every worker has connected.
import { parentPort, workerData } from 'node:worker_threads';
import { parseBrokerUrl } from '../../dist/broker/broker-url.js';
import { StreamQueue } from '../../dist/broker/stream-queue.js';
import { Barrier } from '../../dist/index.js';

const { url, stream, capacity, from, to, batch, start } = workerData as {
  start: Barrier['handle'];
  url: string;
  stream: string;
  capacity: number;
  from: number;
  to: number;
  batch: number;
};
const queue = await StreamQueue.open(parseBrokerUrl(url), { stream, capacity });
Barrier.from(start).wait(); // everyone connected: the clock starts now
const t0 = performance.timeOrigin + performance.now();
for (let n = from; n < to; n += batch) {
  await queue.putMany(Array.from({ length: Math.min(batch, to - n) }, (_, i) => n + i));
}
await queue.close();
parentPort!.postMessage({ put: to - from, start: t0 });
