// Takes items until a sentinel, marking each in a private "seen" array returned at the end, so
// the main thread can check exactly-once delivery without slowing the hot loop with atomics.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, BoundedQueue, SENTINEL } from '../../dist/index.js';
import { warmUp } from './warm-up.js';

const {
  queue,
  start,
  total,
  mode,
  batch,
  latency,
  itemBytes = 0,
} = workerData as {
  queue: BoundedQueue['handle'];
  start: Barrier['handle'];
  total: number;
  mode: 'single' | 'batch' | 'object' | 'large';
  batch: number;
  latency: boolean;
  itemBytes?: number;
};
const q = BoundedQueue.from(queue);
warmUp(mode, q.slotBytes, 'x'.repeat(itemBytes));
const seen = new Uint8Array(total);
const ages: number[] = [];
Barrier.from(start).wait();
const t0 = performance.timeOrigin + performance.now();
if (mode === 'batch') {
  let done = false;
  while (!done) {
    const items = q.getMany(batch);
    let sentinels = 0;
    for (const item of items) {
      if (item === SENTINEL) sentinels++;
      else seen[item as number]!++;
    }
    if (sentinels > 0) {
      done = true;
      for (let i = 1; i < sentinels; i++) q.put(SENTINEL); // the others belong to other consumers
    }
  }
} else {
  // One get per item and nothing else in the loop: the rate of the single-item path itself.
  for (;;) {
    const item = q.get();
    if (item === SENTINEL) break;
    if (mode === 'large') {
      const record = item as { id: number; body: string };
      if (record.body.length === itemBytes) seen[record.id]!++; // a damaged record counts as lost
    } else seen[mode === 'object' ? (item as { id: number }).id : (item as number)]!++;
    if (latency) ages.push(q.lastItemAgeMs);
  }
}
parentPort!.postMessage({ start: t0, end: performance.timeOrigin + performance.now(), seen, ages }, [seen.buffer]);
