// Puts items p, p+P, p+2P, ... < total (or in putMany batches, or as records { id, body } with a body
// of `itemBytes` characters), after a start barrier.
import { parentPort, workerData } from 'node:worker_threads';
import { Barrier, BoundedQueue } from '../../dist/index.js';
import { warmUp } from './warm-up.js';

const {
  queue,
  start,
  index,
  producers,
  total,
  mode,
  batch,
  itemBytes = 0,
} = workerData as {
  queue: BoundedQueue['handle'];
  start: Barrier['handle'];
  index: number;
  producers: number;
  total: number;
  mode: 'single' | 'batch' | 'object' | 'large';
  batch: number;
  itemBytes?: number;
};
const q = BoundedQueue.from(queue);
const body = 'x'.repeat(itemBytes); // one string: postMessage's baseline sends the same one
warmUp(mode, q.slotBytes, body);
Barrier.from(start).wait();
const t0 = performance.timeOrigin + performance.now();
if (mode === 'batch') {
  const buf: number[] = [];
  for (let i = index; i < total; i += producers) {
    buf.push(i);
    if (buf.length === batch) {
      q.putMany(buf);
      buf.length = 0;
    }
  }
  if (buf.length) q.putMany(buf);
} else if (mode === 'large') {
  for (let i = index; i < total; i += producers) q.put({ id: i, body });
} else if (mode === 'object') {
  for (let i = index; i < total; i += producers) q.put({ id: i, name: 'item', tags: ['a', 'b'] });
} else {
  for (let i = index; i < total; i += producers) q.put(i);
}
parentPort!.postMessage({ start: t0, end: performance.timeOrigin + performance.now() });
