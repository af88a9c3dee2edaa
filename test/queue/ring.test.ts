/**
 * The ring under BoundedQueue (src/queue/ring.ts): its positions wrap modulo 2 × capacity and each
 * side caches the other's index, so these tests go around it many times at capacities 1, 2 and
 * odd sizes, with every kind of put and get chosen by a seeded PRNG in several workers at once
 * (blocking, timed, non-blocking, batches; sync and async), and race timeouts and shutdowns
 * against a full or empty ring. Each checks exactly-once delivery: every item accepted arrives
 * once, none lost, none duplicated, none that was refused; and each producer's items reach any one
 * consumer in order. Seeded: failures name the seed; rerun with SEED=… Sizes scale with STRESS.
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, QueueEmpty, QueueFull, SENTINEL } from '../../src/index.js';
import { DEADLINE_MS, startFixture, within } from '../helpers/workers.js';

const STRESS = Number(process.env.STRESS ?? 1);
const SEED = Number(process.env.SEED ?? Date.now() % 1e6);
const why = `(seed ${SEED}; rerun with SEED=${SEED})`;

interface Side {
  producers: number;
  consumers: number;
  /** Which workers use the async forms: every other one when 'some'. */
  async: 'none' | 'some' | 'all';
}

function start(q: BoundedQueue, { producers, consumers, async }: Side, extra: object) {
  const isAsync = (i: number): boolean => async === 'all' || (async === 'some' && i % 2 === 1);
  const spawn = <R>(role: 'producer' | 'consumer', id: number) =>
    startFixture<R>('ring-stress', { handle: q.handle, role, id, seed: SEED, async: isAsync(id), ...extra });
  return {
    producing: Array.from({ length: producers }, (_, id) => spawn<number>('producer', id)),
    consuming: Array.from({ length: consumers }, (_, id) => spawn<number[]>('consumer', id)),
  };
}

/** Every item producer p put (its first `putCounts[p]`) was taken exactly once, in order per consumer. */
function checkExactlyOnce(putCounts: number[], taken: number[][], dropped = 0): void {
  const all = taken.flat();
  const expected = putCounts.reduce((a, b) => a + b, 0);
  expect(all.length, `items taken (+ ${dropped} dropped) ${why}`).toBe(expected - dropped);
  const seen = new Set(all);
  expect(seen.size, `duplicates ${why}`).toBe(all.length);
  for (const item of all) {
    const p = Math.floor(item / 1e7);
    if (!(item % 1e7 < (putCounts[p] ?? 0))) expect.fail(`item ${p}:${item % 1e7} taken but never put ${why}`);
  }
  if (dropped === 0)
    putCounts.forEach((n, p) => {
      for (let i = 0; i < n; i++) if (!seen.has(p * 1e7 + i)) expect.fail(`item ${p}:${i} lost ${why}`);
    });
  taken.forEach((items, consumer) => {
    const last = new Map<number, number>();
    for (const item of items) {
      const p = Math.floor(item / 1e7);
      if (item % 1e7 <= (last.get(p) ?? -1))
        expect.fail(`consumer ${consumer}: producer ${p}'s items out of order ${why}`);
      last.set(p, item % 1e7);
    }
  });
}

async function laps(capacity: number, side: Side, perProducer: number): Promise<BoundedQueue> {
  const q = new BoundedQueue<number | typeof SENTINEL>({ capacity, slotBytes: 16 });
  const { producing, consuming } = start(q, side, { count: perProducer });
  const putCounts = await within(Promise.all(producing.map((p) => p.result)), DEADLINE_MS, `producers ${why}`);
  for (let i = 0; i < side.consumers; i++) await within(q.putAsync(SENTINEL), DEADLINE_MS, `sentinel ${why}`);
  const taken = await within(Promise.all(consuming.map((c) => c.result)), DEADLINE_MS, `consumers ${why}`);
  expect(putCounts).toEqual(Array(side.producers).fill(perProducer));
  checkExactlyOnce(putCounts, taken);
  const s = q.stats();
  expect(s.depth).toBe(0);
  expect(s.got).toBe(s.put);
  expect(s.highWater).toBeLessThanOrEqual(capacity);
  expect(q.lockStats().holder).toBeUndefined();
  return q;
}

describe('the ring, single-threaded: positions wrap at every capacity', () => {
  it.each([1, 2, 3, 5, 7, 8])(
    'capacity %i: many laps of put/get/putMany/getMany keep FIFO, depth and totals',
    (capacity) => {
      const q = new BoundedQueue<number>({ capacity, slotBytes: 16 });
      const wait = { timeout: 1000 }; // nothing here should ever wait: a bug fails instead of hanging
      let next = 0;
      let expected = 0;
      let depth = 0;
      for (let lap = 0; lap < 300; lap++) {
        const n = Math.min(1 + (lap % capacity), capacity - depth);
        if (lap % 2 === 0) for (let i = 0; i < n; i++) q.put(next++, wait);
        else if (n > 0)
          q.putMany(
            Array.from({ length: n }, () => next++),
            wait,
          );
        depth += n;
        expect(q.qsize()).toBe(depth);
        expect(q.full()).toBe(depth === capacity);
        if (depth === capacity) expect(() => q.putNowait(-1)).toThrow(QueueFull);
        const take = lap % 3 === 0 ? q.getMany(capacity, wait) : [q.get(wait)];
        for (const x of take) expect(x).toBe(expected++);
        depth -= take.length;
        while (depth > 0 && lap % 5 === 4) {
          expect(q.getNowait()).toBe(expected++);
          depth--;
        }
      }
      for (; depth > 0; depth--) expect(q.get(wait)).toBe(expected++);
      expect(() => q.getNowait()).toThrow(QueueEmpty);
      expect(q.stats()).toMatchObject({ depth: 0, put: next, got: next, highWater: capacity, unfinished: next });
      expect(next).toBeGreaterThan(100 * capacity); // many laps
    },
  );
});

describe('the ring across workers: many laps, every kind of call, exactly once', () => {
  for (const capacity of [1, 2, 3, 7]) {
    it(`capacity ${capacity}: 3 producers × 3 consumers, blocking paths`, async () => {
      const q = await laps(capacity, { producers: 3, consumers: 3, async: 'none' }, 4000 * STRESS);
      expect(q.stats().put).toBeGreaterThan(100 * capacity); // many laps
    });
  }
  it('capacity 2: 2 producers × 2 consumers, all on the async paths', async () => {
    await laps(2, { producers: 2, consumers: 2, async: 'all' }, 3000 * STRESS);
  });
  it('capacity 5: 3 producers × 3 consumers, blocking and async mixed', async () => {
    await laps(5, { producers: 3, consumers: 3, async: 'some' }, 4000 * STRESS);
  });
});

describe('shutdown racing a full or empty ring', () => {
  // Producers and consumers run until the shutdown stops them; the main thread shuts the queue
  // down once `after` items went through: with 1 consumer against 3 producers the ring is mostly
  // full, with 3 consumers against 1 producer mostly empty.
  const cases = [
    { name: 'full', producers: 3, consumers: 1 },
    { name: 'empty', producers: 1, consumers: 3 },
  ];
  for (const { name, producers, consumers } of cases) {
    for (const immediate of [false, true]) {
      const what = `${immediate ? 'an immediate' : 'a'} shutdown of a mostly ${name} ring (capacity 3)`;
      it(`${what} stops everyone; no item lost or doubled`, async () => {
        const q = new BoundedQueue<number>({ capacity: 3, slotBytes: 16 });
        const { producing, consuming } = start(
          q,
          { producers, consumers, async: 'some' },
          { count: 0, untilShutdown: true, tasks: true },
        );
        const after = 2000 * STRESS + (SEED % 1000);
        const deadline = performance.now() + DEADLINE_MS;
        while (q.stats().got < after) {
          if (performance.now() > deadline) expect.fail(`only ${q.stats().got} items went through ${why}`);
          await new Promise((r) => setTimeout(r, 1));
        }
        q.shutdown({ immediate });
        const putCounts = await within(Promise.all(producing.map((p) => p.result)), DEADLINE_MS, `producers ${why}`);
        const taken = await within(Promise.all(consuming.map((c) => c.result)), DEADLINE_MS, `consumers ${why}`);
        const s = q.stats();
        checkExactlyOnce(putCounts, taken, s.dropped);
        expect(s).toMatchObject({ depth: 0, shutDown: true, unfinished: 0 });
        expect(s.got + s.dropped).toBe(s.put);
        if (!immediate) expect(s.dropped).toBe(0);
        await within(q.joinAsync(), DEADLINE_MS, `join after shutdown ${why}`); // every task done or dropped
      });
    }
  }
});
