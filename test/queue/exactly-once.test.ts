/**
 * Several producer workers and several consumer workers through a small queue: every item is
 * received exactly once — none lost, none duplicated — and each producer's items reach any one
 * consumer in the order they were put (parlib-simple's master/worker check). Capacity is small
 * so both sides block often. Seeded: every failure message names the seed; rerun with SEED=…
 * Sizes scale with STRESS (default 1; e.g. STRESS=10 for a soak run).
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, SENTINEL } from '../../src/index.js';
import type { Mode } from '../fixtures/queue-producer.js';
import { DEADLINE_MS, runFixtures, startFixture, within } from '../helpers/workers.js';

const STRESS = Number(process.env.STRESS ?? 1);
const SEED = Number(process.env.SEED ?? Date.now() % 1e6);

function check(results: number[][], producers: number, perProducer: number): void {
  const why = `(seed ${SEED}; rerun with SEED=${SEED})`;
  const all = results.flat();
  expect(all.length, `items received ${why}`).toBe(producers * perProducer);
  const seen = new Set(all);
  expect(seen.size, `distinct items received: duplicates ${why}`).toBe(all.length);
  for (let p = 0; p < producers; p++) {
    for (let n = 0; n < perProducer; n++) if (!seen.has(p * 1e7 + n)) expect.fail(`item ${p}:${n} lost ${why}`);
  }
  results.forEach((items, consumer) => {
    const last = new Map<number, number>();
    for (const item of items) {
      const p = Math.floor(item / 1e7);
      const n = item % 1e7;
      if (n <= (last.get(p) ?? -1))
        expect.fail(`consumer ${consumer} got producer ${p}'s item ${n} after ${last.get(p)} ${why}`);
      last.set(p, n);
    }
  });
}

interface Run {
  producers: number;
  consumers: number;
  perProducer: number;
  mode: Mode;
  capacity: number;
  async?: boolean;
  /** The consumers take getMany batches of this many (a batch producer always makes 32). */
  batch?: number;
  overflowBytes?: number;
}

async function run(r: Run): Promise<BoundedQueue> {
  const { producers, consumers, perProducer, mode, capacity, async = false } = r;
  const q = new BoundedQueue({
    capacity,
    ...(r.overflowBytes === undefined ? {} : { overflowBytes: r.overflowBytes }),
  });
  const batch = r.batch ?? (mode === 'batch' ? 32 : undefined);
  const consuming = Array.from({ length: consumers }, () =>
    startFixture<number[]>('queue-consumer', { handle: q.handle, batch, async }),
  );
  await runFixtures(producers, 'queue-producer', (id) => ({
    handle: q.handle,
    id,
    count: perProducer,
    mode,
    seed: SEED,
    async,
  }));
  for (let i = 0; i < consumers; i++)
    await within(q.putAsync(SENTINEL), DEADLINE_MS, `sentinel ${i} put (seed ${SEED})`);
  const results = await within(Promise.all(consuming.map((c) => c.result)), DEADLINE_MS, `consumers (seed ${SEED})`);
  check(results, producers, perProducer);
  const stats = q.stats();
  expect(stats.depth).toBe(0);
  // Every item and sentinel was got (a batch consumer puts back sentinels it took after its own).
  expect(stats.got).toBe(stats.put);
  expect(stats.put).toBeGreaterThanOrEqual(producers * perProducer + consumers);
  expect(stats.highWater).toBeLessThanOrEqual(capacity);
  expect(q.lockStats().holder).toBeUndefined();
  return q;
}

describe('exactly-once delivery, many producers and consumers (real workers, shared memory)', () => {
  it('3 producers × 3 consumers, 300k numbers through capacity 8 (blocking both ways)', async () => {
    const q = await run({ producers: 3, consumers: 3, perProducer: 100_000 * STRESS, mode: 'number', capacity: 8 });
    expect(q.stats().highWater).toBe(8);
    expect(q.stats().putBlocked).toBeGreaterThan(0);
    expect(q.stats().getBlocked).toBeGreaterThan(0);
  });

  it('4 producers × 2 consumers, objects through capacity 4', async () => {
    await run({ producers: 4, consumers: 2, perProducer: 10_000 * STRESS, mode: 'object', capacity: 4 });
  });

  it('3 producers × 3 consumers, putMany/getMany batches (up to 64 into capacity 16)', async () => {
    await run({ producers: 3, consumers: 3, perProducer: 100_000 * STRESS, mode: 'batch', capacity: 16 });
  });

  it('2 producers × 2 consumers on the async paths (putAsync/getAsync), numbers, strings, objects mixed', async () => {
    await run({ producers: 2, consumers: 2, perProducer: 15_000 * STRESS, mode: 'mixed', capacity: 8, async: true });
  });

  it('2 producers × 2 consumers on the async batch paths (putManyAsync/getManyAsync)', async () => {
    await run({ producers: 2, consumers: 2, perProducer: 50_000 * STRESS, mode: 'batch', capacity: 16, async: true });
  });

  it(
    '3 producers × 3 consumers, items from 8 B to 96 KiB mixed (most past a slot), through capacity 8 and an ' +
      'overflow area of 128 KiB (both full in turn)',
    async () => {
      const q = await run({
        producers: 3,
        consumers: 3,
        perProducer: 2_000 * STRESS,
        mode: 'large',
        capacity: 8,
        overflowBytes: 128 * 1024,
      });
      expect(q.stats().putBlocked).toBeGreaterThan(0);
    },
  );

  it('2 producers × 2 consumers, large and small items mixed, async puts and getMany batches', async () => {
    await run({
      producers: 2,
      consumers: 2,
      perProducer: 2_000 * STRESS,
      mode: 'large',
      capacity: 16,
      async: true,
      batch: 8,
      overflowBytes: 256 * 1024,
    });
  });

  it('1 producer × 1 consumer at capacity 1 (every item a hand-off)', async () => {
    await run({ producers: 1, consumers: 1, perProducer: 20_000 * STRESS, mode: 'number', capacity: 1 });
  });
});
