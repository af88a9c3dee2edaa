// Gets and acknowledges entries one by one until its sentinel, marking each number in a private
// "seen" array returned at the end (the main thread checks exactly-once delivery).
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
const queue = await StreamQueue.open(parseBrokerUrl(url), { stream, capacity, consumer });
const seen = new Uint8Array(total);
Barrier.from(start).wait();
let duplicates = 0;
for (;;) {
  const entry = (await queue.get())!;
  if ((await queue.ack(entry)) === 'duplicate') duplicates++;
  if (entry.item === SENTINEL) break;
  seen[entry.item as number]!++;
}
await queue.close();
parentPort!.postMessage({ seen, duplicates, end: performance.timeOrigin + performance.now() }, [seen.buffer]);
