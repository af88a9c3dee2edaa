/**
 * Several producer workers and several consumer workers through a small queue: every item is
 * received exactly once, none lost, none duplicated, and each producer's items reach any one
 * consumer in the order they were put. Seeded; the seed is in every failure message.
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, SENTINEL } from '../../src/index.js';
import { runFixtures, startFixture, within } from '../helpers/workers.js';

const STRESS = Number(process.env.STRESS ?? 1);
const SEED = Number(process.env.SEED ?? Date.now() % 1e6);

function check(results: number[][], producers: number, perProducer: number): void {
  const why = `(seed ${SEED}; rerun with SEED=${SEED})`;
  const all = results.flat();
  expect(all.length, `items received ${why}`).toBe(producers * perProducer);
  const seen = new Set(all);
  expect(seen.size, `duplicates ${why}`).toBe(all.length);
  for (let p = 0; p < producers; p++) {
    for (let n = 0; n < perProducer; n++) if (!seen.has(p * 1e7 + n)) expect.fail(`item ${p}:${n} lost ${why}`);
  }
  for (const items of results) {
    const last = new Map<number, number>();
    for (const item of items) {
      const p = Math.floor(item / 1e7);
      const n = item % 1e7;
      if (n <= (last.get(p) ?? -1)) expect.fail(`producer ${p} out of order at ${n} ${why}`);
      last.set(p, n);
    }
  }
}

async function run(producers: number, consumers: number, perProducer: number, mode: 'number' | 'object' | 'batch', capacity: number): Promise<BoundedQueue> {
  const q = new BoundedQueue({ capacity });
  const consuming = Array.from({ length: consumers }, () => startFixture<number[]>('queue-consumer', { handle: q.handle, batch: mode === 'batch' ? 32 : undefined }));
  await runFixtures(producers, 'queue-producer', (id) => ({ handle: q.handle, id, count: perProducer, mode, seed: SEED }));
  for (let i = 0; i < consumers; i++) await within(q.putAsync(SENTINEL), 30_000, 'sentinel put');
  const results = await within(Promise.all(consuming.map((c) => c.result)), 60_000, 'consumers');
  check(results, producers, perProducer);
  return q;
}

describe('exactly-once delivery, many producers and consumers', () => {
  it('3 producers × 3 consumers, 300k numbers through capacity 8 (blocking both ways)', async () => {
    const q = await run(3, 3, 100_000 * STRESS, 'number', 8);
    const stats = q.stats();
    expect(stats.depth).toBe(0);
    expect(stats.highWater).toBe(8);
    expect(stats.putBlocked).toBeGreaterThan(0);
    expect(stats.getBlocked).toBeGreaterThan(0);
  });

  it('4 producers × 2 consumers, objects through capacity 4', async () => {
    await run(4, 2, 10_000 * STRESS, 'object', 4);
  });

  it('3 producers × 3 consumers with putMany/getMany batches through capacity 16', async () => {
    await run(3, 3, 100_000 * STRESS, 'batch', 16);
  });

  it('1 producer × 1 consumer at capacity 1 (every item a hand-off)', async () => {
    await run(1, 1, 20_000 * STRESS, 'number', 1);
  });
});
