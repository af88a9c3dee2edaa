// Takes items until a sentinel, marking each in a private "seen" array returned at the end, so
// the main thread can check exactly-once delivery without slowing the hot loop with atomics.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, BoundedQueue, SENTINEL } from '../../dist/index.js';

const { queue, start, total, mode, batch, latency } = workerData as {
  queue: BoundedQueue['handle']; start: Barrier['handle']; total: number; mode: 'single' | 'batch' | 'object'; batch: number; latency: boolean;
};
const q = BoundedQueue.from(queue);
const seen = new Uint8Array(total);
const ages: number[] = [];
Barrier.from(start).wait();
const t0 = performance.timeOrigin + performance.now();
let done = false;
while (!done) {
  const items = mode === 'batch' ? q.getMany(batch) : [q.get()];
  for (const item of items) {
    if (item === SENTINEL) {
      done = true;
      continue; // any other sentinel in this batch belongs to another consumer
    }
    seen[typeof item === 'number' ? item : (item as { id: number }).id]!++;
    if (latency) ages.push(q.lastItemAgeMs);
  }
  if (mode === 'batch' && done) {
    const extra = items.filter((x) => x === SENTINEL).length - 1;
    for (let i = 0; i < extra; i++) q.put(SENTINEL);
  }
}
parentPort!.postMessage({ start: t0, end: performance.timeOrigin + performance.now(), seen, ages }, [seen.buffer]);
