/** Python 3.13 queue.Queue semantics, with the blocked party in another worker where it matters. */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, ItemTooLargeError, QueueEmpty, QueueFull, QueueShutDown, SENTINEL, TaskDoneError } from '../../src/index.js';
import { startFixture, within } from '../helpers/workers.js';
import { sleep, until } from '../helpers/poll.js';

const steps = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/**
 * Starts one queue operation in a worker and waits until it is blocked in it (it started and has
 * not returned 100 ms later: CPython's "appeared not to block" check). Resolves to `{ result }`.
 */
async function blockedIn(q: BoundedQueue, action: object): Promise<{ result: Promise<{ value?: unknown; error?: string }> }> {
  const s = steps();
  const started = startFixture<{ value?: unknown; error?: string }>('queue-op', { handle: q.handle, steps: s, action });
  await until(() => Atomics.load(s, 0) === 1, 'worker started its call');
  await sleep(100);
  expect(Atomics.load(s, 0), 'the call appeared not to block').toBe(1);
  return { result: started.result };
}

describe('FIFO and item fidelity', () => {
  it('keeps order and returns every kind of item unchanged', () => {
    const q = new BoundedQueue({ capacity: 32 });
    const items = [0, -0, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, '', 'héllo ✓ 𝄞', true, false, null, undefined, [1, [2, { three: 3 }]], { id: 7, name: 'x', tags: ['a', 'b'], nested: { deep: [null] } }, new Date(0), new Map([[1, 2]]), 12345678901234567890n, SENTINEL];
    for (const item of items) q.put(item as never);
    expect(q.qsize()).toBe(items.length);
    const out = items.map(() => q.get());
    expect(out).toEqual(items);
    expect(Object.is(out[1], -0)).toBe(true);
    expect(out.at(-1)).toBe(SENTINEL);
    expect(q.empty()).toBe(true);
  });

  it('wraps around the ring many times', () => {
    const q = new BoundedQueue<number>({ capacity: 3 });
    for (let i = 0; i < 1000; i++) {
      q.put(i);
      q.put(i + 0.5);
      expect(q.get()).toBe(i);
      expect(q.get()).toBe(i + 0.5);
    }
  });

  it('getMany takes up to max, in order; putMany fills in order', () => {
    const q = new BoundedQueue<number>({ capacity: 10 });
    q.putMany([1, 2, 3, 4, 5]);
    expect(q.getMany(3)).toEqual([1, 2, 3]);
    expect(q.getMany(10)).toEqual([4, 5]);
    expect(() => q.getMany(0)).toThrow(RangeError);
  });

  it('refuses bad shapes', () => {
    expect(() => new BoundedQueue({ capacity: 0 })).toThrow(/capacity must be an integer/);
    expect(() => new BoundedQueue({ capacity: 2, slotBytes: 12 })).toThrow(/slotBytes/);
  });
});

describe('blocking, non-blocking and timeouts', () => {
  it('a get blocked in a worker wakes when the main thread puts', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const { result } = await blockedIn(q, { op: 'get' });
    q.put('hello');
    expect(await within(result, 30_000, 'blocked get')).toEqual({ value: 'hello' });
  });

  it('a put blocked on a full queue in a worker completes after a get frees a slot', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    q.put('first');
    const { result } = await blockedIn(q, { op: 'put', item: 'second' });
    expect(q.get()).toBe('first');
    expect(await within(result, 30_000, 'blocked put')).toEqual({ value: 'put' });
    expect(q.get()).toBe('second');
  });

  it('non-blocking calls raise QueueFull / QueueEmpty at once', () => {
    const q = new BoundedQueue({ capacity: 1 });
    expect(() => q.getNowait()).toThrow(QueueEmpty);
    q.putNowait(1);
    expect(q.full()).toBe(true);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
    expect(() => q.put(2, { block: false, timeout: 1000 })).toThrow(QueueFull); // timeout ignored, as in Python
  });

  it('timed calls raise after about the timeout, in a worker and on the main thread', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const t0 = performance.now();
    expect(() => q.get({ timeout: 80 })).toThrow(QueueEmpty);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(48);
    q.put(1);
    expect(() => q.put(2, { timeout: 50 })).toThrow(QueueFull);
    await expect(q.putAsync(2, { timeout: 50 })).rejects.toThrow(QueueFull);
    expect(q.get()).toBe(1);
    await expect(q.getAsync({ timeout: 50 })).rejects.toThrow(QueueEmpty);
    const inWorker = startFixture('queue-op', { handle: q.handle, steps: steps(), action: { op: 'get', timeout: 80 } });
    expect(await within(inWorker.result, 30_000, 'timed get')).toEqual({ error: 'QueueEmpty' });
    expect(q.qsize()).toBe(0); // a timeout leaves the queue as it was
  });

  it('getAsync waits without blocking the event loop', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const pending = q.getAsync();
    await sleep(100);
    q.put('late');
    expect(await within(pending, 30_000, 'getAsync')).toBe('late');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });
});

describe('shutdown (Python 3.13)', () => {
  it('put after shutdown raises at once', () => {
    const q = new BoundedQueue({ capacity: 2 });
    q.shutdown();
    expect(() => q.put(1)).toThrow(QueueShutDown);
    expect(q.isShutDown).toBe(true);
  });

  it('get drains what is left, then raises', () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany([1, 2]);
    q.shutdown();
    expect(q.get()).toBe(1);
    expect(q.getNowait()).toBe(2);
    expect(() => q.get()).toThrow(QueueShutDown);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
  });

  it('a getter blocked in another worker wakes with QueueShutDown', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const { result } = await blockedIn(q, { op: 'get' });
    q.shutdown();
    expect(await within(result, 30_000, 'blocked get')).toEqual({ error: 'QueueShutDown' });
  });

  it('a putter blocked in another worker wakes with QueueShutDown', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    q.put(0);
    const { result } = await blockedIn(q, { op: 'put', item: 1 });
    await q.shutdownAsync();
    expect(await within(result, 30_000, 'blocked put')).toEqual({ error: 'QueueShutDown' });
    expect(q.get()).toBe(0); // items put before the shutdown are still there
  });

  it('immediate shutdown drops what is left and lets join return', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany([1, 2, 3]);
    expect(q.get()).toBe(1); // taken, not yet done
    const { result: joiner } = await blockedIn(q, { op: 'join' });
    q.shutdown({ immediate: true });
    expect(q.qsize()).toBe(0);
    expect(() => q.get()).toThrow(QueueShutDown);
    q.taskDone(); // the one item really taken
    expect(await within(joiner, 30_000, 'join')).toEqual({ value: 'joined' });
  });
});

describe('taskDone and join', () => {
  it('join in a worker returns after the main thread marks every item done', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany(['a', 'b']);
    const { result: joiner } = await blockedIn(q, { op: 'join' });
    q.get();
    q.taskDone();
    await sleep(50);
    q.get();
    q.taskDone();
    expect(await within(joiner, 30_000, 'join')).toEqual({ value: 'joined' });
    q.join(); // again on the same instance: nothing unfinished, returns at once
    await q.joinAsync();
  });

  it('join on the main thread (async) returns after a worker calls taskDone', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.put('x');
    q.get();
    const joined = q.joinAsync();
    const worker = startFixture('queue-op', { handle: q.handle, steps: steps(), action: { op: 'taskDone' } });
    expect(await within(worker.result, 30_000, 'taskDone')).toEqual({ value: 'done' });
    await within(joined, 30_000, 'joinAsync');
  });

  it('taskDone called too many times throws', () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect(() => q.taskDone()).toThrow(TaskDoneError);
    q.put(1);
    q.get();
    q.taskDone();
    expect(() => q.taskDone()).toThrow(/called too many times/);
  });
});

describe('items too big for a slot', () => {
  it('throws ItemTooLargeError with both sizes and leaves the queue unharmed', () => {
    const q = new BoundedQueue({ capacity: 2, slotBytes: 64 });
    q.put('small');
    const big = 'x'.repeat(100);
    let error: unknown;
    try {
      q.put(big);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ItemTooLargeError);
    expect((error as ItemTooLargeError).itemBytes).toBe(100);
    expect((error as ItemTooLargeError).slotBytes).toBe(64);
    expect((error as ItemTooLargeError).neededSlotBytes).toBe(112);
    expect((error as Error).message).toMatch(/100 bytes but a slot of 64 bytes holds at most 56.*slotBytes: 112/);
    expect(() => q.putMany(['ok', { blob: 'y'.repeat(200) }])).toThrow(ItemTooLargeError); // none of the batch is put
    expect(q.qsize()).toBe(1);
    expect(q.stats().put).toBe(1);
    q.put('fits');
    expect(q.getMany(5)).toEqual(['small', 'fits']);
  });
});

describe('counters for the dashboard', () => {
  it('reports depth, high water, totals and blocked counts without the lock', () => {
    const q = new BoundedQueue({ capacity: 3 });
    q.putMany([1, 2, 3]);
    q.get();
    expect(() => q.put(9, { timeout: 1 })).not.toThrow();
    expect(() => q.put(9, { timeout: 1 })).toThrow(QueueFull);
    const s = q.stats();
    expect(s).toMatchObject({ depth: 3, capacity: 3, highWater: 3, put: 4, got: 1, putBlocked: 1, getBlocked: 0, unfinished: 4, shutDown: false });
    expect(q.lockStats().acquisitions).toBeGreaterThan(0);
  });

  it('with stampItems, lastItemAgeMs tells how long the item waited', async () => {
    const q = new BoundedQueue({ capacity: 2, stampItems: true });
    q.put(1);
    await sleep(30);
    q.get();
    expect(q.lastItemAgeMs).toBeGreaterThanOrEqual(20);
    expect(Number.isNaN(new BoundedQueue({ capacity: 1 }).lastItemAgeMs)).toBe(true);
  });
});
