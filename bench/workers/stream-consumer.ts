// Takes entries a batch at a time (up to 100) and acknowledges each batch in one script, until its
// sentinel, marking each number in a private "seen" array returned at the end (the main thread
// checks exactly-once delivery).
import { parentPort, workerData } from 'node:worker_threads';
import { parseBrokerUrl } from '../../dist/broker/broker-url.js';
import { StreamQueue } from '../../dist/broker/stream-queue.js';
import { Barrier } from '../../dist/index.js';
import { SENTINEL } from '../../dist/queue/sentinel.js';

const { url, stream, capacity, consumer, total, start } = workerData as {
  start: Barrier['handle'];
  url: string;
  stream: string;
  capacity: number;
  consumer: string;
  total: number;
};
const queue = await StreamQueue.open(parseBrokerUrl(url), { stream, capacity, consumer, batch: 100 });
const seen = new Uint8Array(total);
Barrier.from(start).wait();
let duplicates = 0;
for (let stop = false; !stop; ) {
  const entries = await queue.take(100);
  for (const entry of entries) {
    if (entry.item === SENTINEL) stop = true;
    else seen[entry.item as number]!++;
  }
  duplicates += (await queue.ackMany(entries)).duplicates;
}
await queue.close();
parentPort!.postMessage({ seen, duplicates, end: performance.timeOrigin + performance.now() }, [seen.buffer]);
