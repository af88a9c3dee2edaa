// JIT warm-up before the clock starts, as JMH does: each worker runs the very calls it is about
// to time (put/get, putMany/getMany, objects, large records) on a private queue of the same shape, so a short
// quick-mode run measures the compiled fast path rather than V8's tiers on the way to it.
import { BoundedQueue } from '../../dist/index.js';

export function warmUp(mode: 'single' | 'batch' | 'object' | 'large', slotBytes: number, body = ''): void {
  const q = new BoundedQueue<unknown>({ capacity: 1024, slotBytes });
  const rounds = mode === 'large' ? 20 : 100;
  const batch = Array.from({ length: 256 }, (_, i) => i);
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    if (mode === 'batch') {
      for (let k = 0; k < 4; k++) q.putMany(batch);
      for (let k = 0; k < 4; k++) sink += q.getMany(256).length;
    } else if (mode === 'large') {
      for (let i = 0; i < 8; i++) q.put({ id: i, body });
      for (let i = 0; i < 8; i++) sink += (q.get() as { id: number }).id;
    } else if (mode === 'object') {
      for (let i = 0; i < 64; i++) q.put({ id: i, name: 'item', tags: ['a', 'b'] });
      for (let i = 0; i < 64; i++) sink += (q.get() as { id: number }).id;
    } else {
      for (let i = 0; i < 1024; i++) q.put(i);
      for (let i = 0; i < 1024; i++) sink += q.get() as number;
    }
  }
  if (sink < 0) throw new Error('unreachable');
}
