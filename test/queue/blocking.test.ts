/**
 * Blocking, non-blocking and timed put/get, with the other party in another worker; the async
 * forms keep the event loop running while they wait. Timing checks are lower bounds only
 * (CPython's lock_tests accept 0.6× the timeout and up): never an upper bound.
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, QueueEmpty, QueueFull } from '../../src/index.js';
import { until } from '../helpers/poll.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';
import { append, entries } from './log.js';
import { blockedIn, startOp } from './ops.js';

// Step codes: the worker logs 1 before its call and 3 after; the main thread logs 2 before acting.
const WORKER_CALLS = 1;
const MAIN_ACTS = 2;
const WORKER_RETURNED = 3;

/** Awaits a main-thread promise with the suite's deadline. */
const settle = <T>(p: Promise<T>, what: string): Promise<T> => within(p, DEADLINE_MS, what);

describe('a blocked call wakes when the other side acts, in another worker', () => {
  it('get blocked on an empty queue returns the item the main thread then puts', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const { log, result } = await blockedIn(q, { op: 'get' });
    append(log, MAIN_ACTS);
    q.put('hello');
    expect(await result).toMatchObject({ value: 'hello' });
    expect(entries(log)).toEqual([WORKER_CALLS, MAIN_ACTS, WORKER_RETURNED]);
  });

  it('put blocked on a full queue completes only after a get frees a slot', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    q.put('first');
    const { log, result } = await blockedIn(q, { op: 'put', item: 'second' });
    // blockedIn only knows the worker logged its step and had not returned 100 ms later, not that
    // it has reached put yet (a loaded machine can hold it back longer): wait until the queue has
    // counted the put as blocked, or the get below could come first and the put never block.
    await until(() => q.stats().putBlocked === 1, 'the put counted as blocked on the full queue');
    append(log, MAIN_ACTS);
    expect(q.get()).toBe('first');
    expect(await result).toMatchObject({ value: 'put' });
    expect(entries(log)).toEqual([WORKER_CALLS, MAIN_ACTS, WORKER_RETURNED]);
    expect(q.get()).toBe('second');
    expect(q.stats().putBlocked).toBe(1);
  });

  it('getAsync and putAsync in a worker wake the same way', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const getter = await blockedIn(q, { op: 'getAsync' });
    append(getter.log, MAIN_ACTS);
    q.put(42);
    expect(await getter.result).toMatchObject({ value: 42 });
    expect(entries(getter.log)).toEqual([WORKER_CALLS, MAIN_ACTS, WORKER_RETURNED]);

    q.put('full');
    const putter = await blockedIn(q, { op: 'putAsync', item: 'next' });
    append(putter.log, MAIN_ACTS);
    expect(q.get()).toBe('full');
    expect(await putter.result).toMatchObject({ value: 'put' });
    expect(entries(putter.log)).toEqual([WORKER_CALLS, MAIN_ACTS, WORKER_RETURNED]);
    expect(q.get()).toBe('next');
  });

  it('a worker blocked in get wakes for a put from another worker (neither side on the main thread)', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const getter = await blockedIn(q, { op: 'get' });
    const putter = startOp(
      q,
      { op: 'put', item: { from: 'worker' } },
      { log: getter.log, before: MAIN_ACTS, after: 4 },
    );
    expect(await putter.result).toMatchObject({ value: 'put' });
    expect(await getter.result).toMatchObject({ value: { from: 'worker' } });
    const log = entries(getter.log);
    expect(log.slice(0, 2)).toEqual([WORKER_CALLS, MAIN_ACTS]);
    expect(log.indexOf(WORKER_RETURNED)).toBeGreaterThan(1); // the get returned after the put began
  });

  it('putMany of more items than the capacity proceeds in chunks as a worker consumes, in order', async () => {
    const q = new BoundedQueue<number>({ capacity: 4 });
    const items = Array.from({ length: 100 }, (_, i) => i);
    const putter = await blockedIn(q, { op: 'putMany', items });
    // The first chunk goes in, the rest waits for room. Waited for, not read at once: blockedIn
    // does not know the worker has reached putMany yet, only that it logged its step.
    await until(() => q.qsize() === 4, 'the first chunk in the queue');
    const got: number[] = [];
    while (got.length < items.length) got.push(...q.getMany(3, { timeout: DEADLINE_MS }));
    expect(got).toEqual(items);
    expect(await putter.result).toMatchObject({ value: 'put' });
  });

  it('getMany blocks for the first item only, then takes what is there', async () => {
    const q = new BoundedQueue<number>({ capacity: 8 });
    const getter = await blockedIn(q, { op: 'getMany', max: 5 });
    q.putMany([1, 2]);
    const { value } = await getter.result;
    expect((value as number[])[0]).toBe(1);
    expect((value as number[]).length).toBeLessThanOrEqual(2);
    if ((value as number[]).length === 1) expect(q.get()).toBe(2);
  });
});

describe('non-blocking calls', () => {
  it('putNowait / getNowait raise QueueFull / QueueEmpty at once; block: false ignores timeout (as in Python)', () => {
    const q = new BoundedQueue({ capacity: 1 });
    expect(() => q.getNowait()).toThrow(QueueEmpty);
    expect(() => q.getNowait()).toThrow(/empty: use a blocking get\(\)/);
    expect(() => q.get({ block: false, timeout: 60_000 })).toThrow(QueueEmpty);
    q.putNowait(1);
    expect(q.full()).toBe(true);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
    expect(() => q.put(2, { block: false, timeout: -5 })).toThrow(QueueFull); // timeout not even checked
    expect(() => q.getMany(3, { block: false })).not.toThrow();
    expect(() => q.getMany(3, { block: false })).toThrow(QueueEmpty);
    expect(q.stats()).toMatchObject({ putBlocked: 0, getBlocked: 0 }); // they never waited
  });

  it('a failed non-blocking putMany says how many items went in', () => {
    const q = new BoundedQueue<number>({ capacity: 3 });
    q.put(0);
    let error: unknown;
    try {
      q.putMany([1, 2, 3, 4], { block: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueFull);
    expect((error as QueueFull).putCount).toBe(2);
    expect(q.getMany(5)).toEqual([0, 1, 2]);
  });

  it('in a worker too', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    expect(await startOp(q, { op: 'get', block: false }).result).toMatchObject({ error: 'QueueEmpty' });
    q.put('x');
    expect(await startOp(q, { op: 'put', item: 'y', block: false }).result).toMatchObject({ error: 'QueueFull' });
    expect(q.qsize()).toBe(1);
  });
});

describe('timeouts', () => {
  const rejectsBadTimeout =
    'rejects a negative or NaN timeout, even when the call could complete at once (Python raises ValueError)';
  it(rejectsBadTimeout, async () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect(() => q.put(1, { timeout: -1 })).toThrow(RangeError);
    expect(() => q.put(1, { timeout: NaN })).toThrow(/timeout must be a non-negative number/);
    await expect(q.putAsync(1, { timeout: -1 })).rejects.toThrow(RangeError);
    expect(q.qsize()).toBe(0);
    q.put(1);
    expect(() => q.get({ timeout: -1 })).toThrow(RangeError);
    expect(() => q.getMany(1, { timeout: -1 })).toThrow(RangeError);
    expect(q.qsize()).toBe(1);
  });

  const timedGetPut =
    'timed get/put on the main thread raise QueueEmpty/QueueFull after about the timeout, leaving the queue as it was';
  it(timedGetPut, async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const timed = async (
      fn: () => unknown,
      timeout: number,
      error: typeof QueueEmpty | typeof QueueFull,
    ): Promise<void> => {
      const t0 = performance.now();
      await expect(settle(Promise.resolve().then(fn), 'timed call')).rejects.toThrow(error);
      expect(performance.now() - t0, 'returned well before its timeout').toBeGreaterThanOrEqual(0.6 * timeout);
    };
    await timed(() => q.get({ timeout: 80 }), 80, QueueEmpty);
    await timed(() => q.getAsync({ timeout: 80 }), 80, QueueEmpty);
    await timed(() => q.getMany(4, { timeout: 80 }), 80, QueueEmpty);
    q.put('only');
    await timed(() => q.put('more', { timeout: 80 }), 80, QueueFull);
    await timed(() => q.putAsync('more', { timeout: 80 }), 80, QueueFull);
    await timed(() => q.putMany(['a', 'b'], { timeout: 80 }), 80, QueueFull);
    expect(() => q.put('zero', { timeout: 0 })).toThrow(/timed out after 0 ms/);
    expect(q.stats()).toMatchObject({ depth: 1, put: 1, got: 0 });
    expect(q.get()).toBe('only');
  });

  it('timed get/put in a worker raise after about the timeout', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const get = await startOp(q, { op: 'get', timeout: 120 }).result;
    expect(get).toMatchObject({ error: 'QueueEmpty' });
    expect(get.message).toMatch(/timed out after 120 ms/);
    expect(get.ms).toBeGreaterThanOrEqual(0.6 * 120);
    q.put(1);
    const put = await startOp(q, { op: 'putAsync', item: 2, timeout: 120 }).result;
    expect(put).toMatchObject({ error: 'QueueFull' });
    expect(put.ms).toBeGreaterThanOrEqual(0.6 * 120);
    expect(q.qsize()).toBe(1);
  });

  it('a timed get that is served in time returns the item', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const { result } = await blockedIn(q, { op: 'get', timeout: DEADLINE_MS });
    q.put('in time');
    expect(await result).toMatchObject({ value: 'in time' });
  });
});

describe('the async forms never block the event loop', () => {
  /** Counts timer ticks; `ticked(n)` waits until n more have fired. */
  function ticker(): { ticked: (n: number) => Promise<void>; stop: () => void } {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    return {
      ticked: (n) => {
        const target = ticks + n;
        return until(() => ticks >= target, `${n} event-loop ticks`);
      },
      stop: () => clearInterval(timer),
    };
  }

  it('getAsync waits for an item from a worker while timers keep firing', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    const loop = ticker();
    let settled = false;
    const pending = q.getAsync().finally(() => (settled = true));
    await loop.ticked(10);
    expect(settled).toBe(false);
    expect(await startOp(q, { op: 'put', item: 'late' }).result).toMatchObject({ value: 'put' });
    expect(await settle(pending, 'getAsync')).toBe('late');
    loop.stop();
  });

  it('putAsync waits for room while timers keep firing', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    q.put('first');
    const loop = ticker();
    let settled = false;
    const pending = q.putAsync('second').finally(() => (settled = true));
    await loop.ticked(10);
    expect(settled).toBe(false);
    expect(await startOp(q, { op: 'get' }).result).toMatchObject({ value: 'first' });
    await settle(pending, 'putAsync');
    expect(q.get()).toBe('second');
    loop.stop();
  });

  it('joinAsync and getManyAsync wait the same way', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const loop = ticker();
    const many = q.getManyAsync(2);
    q.put('x');
    expect(await settle(many, 'getManyAsync')).toEqual(['x']);
    let joined = false;
    const join = q.joinAsync().then(() => (joined = true));
    await loop.ticked(10);
    expect(joined).toBe(false);
    q.taskDone();
    await settle(join, 'joinAsync');
    loop.stop();
  });
});
