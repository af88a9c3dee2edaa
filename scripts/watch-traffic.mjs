// Traffic for the `watch` screenshot in docs/broker.md (scripts/screenshot-watch.sh): a producer adding
// ~150 entries/s to the stream `orders`, the group `billing` with two consumers (c2 slow, so
// entries stay pending on it), and the group `audit`, which nobody reads (its lag grows).
// Usage: node scripts/watch-traffic.mjs redis://127.0.0.1:PORT   (runs until killed)
import { parseBrokerUrl } from '../dist/broker/broker-url.js';
import { StreamQueue } from '../dist/broker/stream-queue.js';

const address = parseBrokerUrl(process.argv[2]);
const open = (group, consumer) => StreamQueue.open(address, { stream: 'orders', group, consumer, capacity: 100_000 });
const producer = await open('billing');
await open('audit');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const consume = async (name, ms) => {
  const queue = await open('billing', name);
  for (;;) {
    const entry = await queue.get();
    await sleep(ms);
    await queue.ack(entry);
  }
};
void consume('C1@web-1:4311', 8);
void consume('C2@web-2:977', 40);
for (let n = 0; ; n++) {
  await producer.putMany(Array.from({ length: 3 }, (_, i) => ({ order: 3 * n + i, total: 9.99 })));
  await sleep(20);
}
