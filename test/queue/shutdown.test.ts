/**
 * Shutdown, as in Python 3.13's queue.Queue, with the blocked parties in other workers:
 * put raises QueueShutDown at once; get drains what is left, then raises; `immediate` drops what
 * is left (counting it as done, so join returns); every blocked putter and getter wakes.
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, QueueShutDown } from '../../src/index.js';
import { until } from '../helpers/poll.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';
import { blockedIn, startOp } from './ops.js';

const settle = <T>(p: Promise<T>, what: string): Promise<T> => within(p, DEADLINE_MS, what);

/** What `p` settles with, error or value — handled at once, so a rejection is never "unhandled". */
const outcome = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    (value) => ({ value }),
    (e: unknown) => e,
  );

describe('after shutdown', () => {
  it('every form of put raises QueueShutDown at once, even with room and without blocking', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.shutdown();
    expect(q.isShutDown).toBe(true);
    expect(() => q.put(1)).toThrow(QueueShutDown);
    expect(() => q.put(1)).toThrow(/accepts no items after shutdown/);
    expect(() => q.putNowait(1)).toThrow(QueueShutDown);
    expect(() => q.putMany([1, 2])).toThrow(QueueShutDown);
    await expect(q.putAsync(1)).rejects.toThrow(QueueShutDown);
    expect(await startOp(q, { op: 'put', item: 1 }).result).toMatchObject({ error: 'QueueShutDown' });
    expect(q.stats()).toMatchObject({ depth: 0, put: 0, shutDown: true });
  });

  it('get returns what is left, in order, then raises QueueShutDown (every form)', async () => {
    const q = new BoundedQueue<number>({ capacity: 8 });
    q.putMany([1, 2, 3, 4, 5]);
    q.shutdown();
    expect(q.get()).toBe(1);
    expect(q.getNowait()).toBe(2);
    expect(await q.getAsync()).toBe(3);
    expect(q.getMany(10)).toEqual([4, 5]);
    expect(() => q.get()).toThrow(QueueShutDown);
    expect(() => q.get()).toThrow(/shut-down queue with no items left/);
    expect(() => q.getNowait()).toThrow(QueueShutDown);
    expect(() => q.get({ timeout: 10 })).toThrow(QueueShutDown);
    expect(() => q.getMany(2)).toThrow(QueueShutDown);
    await expect(q.getAsync()).rejects.toThrow(QueueShutDown);
  });

  it('a worker drains what is left, then gets QueueShutDown', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany(['a', { b: 2 }, 3]);
    q.shutdown();
    expect(await startOp(q, { op: 'drain' }).result).toMatchObject({
      value: { items: ['a', { b: 2 }, 3], error: 'QueueShutDown' },
    });
  });

  it('calling shutdown again (or shutting down a shut-down queue immediately) is harmless', () => {
    const q = new BoundedQueue({ capacity: 2 });
    q.put('kept');
    q.shutdown();
    q.shutdown();
    expect(q.get()).toBe('kept');
    q.shutdown({ immediate: true });
    expect(() => q.get()).toThrow(QueueShutDown);
  });
});

describe('shutdown wakes every blocked party, in any worker', () => {
  it('a getter blocked in a worker wakes with QueueShutDown', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const { result } = await blockedIn(q, { op: 'get' });
    q.shutdown();
    expect(await result).toMatchObject({ error: 'QueueShutDown' });
  });

  it('a worker draining a live queue gets the last items, then QueueShutDown', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    const { result } = await blockedIn(q, { op: 'drain' });
    q.putMany(['x', 'y']);
    q.shutdown();
    expect(await result).toMatchObject({ value: { items: ['x', 'y'], error: 'QueueShutDown' } });
  });

  it('a putter blocked in a worker wakes with QueueShutDown; items put before stay gettable', async () => {
    const q = new BoundedQueue({ capacity: 1 });
    q.put(0);
    const { result } = await blockedIn(q, { op: 'put', item: 1 });
    await settle(q.shutdownAsync(), 'shutdownAsync');
    expect(await result).toMatchObject({ error: 'QueueShutDown' });
    expect(q.get()).toBe(0);
    expect(() => q.get()).toThrow(QueueShutDown);
  });

  it('getters and putters blocked in several workers (sync and async) and on the main thread all wake', async () => {
    const empty = new BoundedQueue({ capacity: 2 });
    const full = new BoundedQueue({ capacity: 1 });
    full.put('full');
    const getters = [
      await blockedIn(empty, { op: 'get' }),
      await blockedIn(empty, { op: 'getAsync' }),
      await blockedIn(empty, { op: 'getMany', max: 3 }),
    ];
    const putters = [
      await blockedIn(full, { op: 'put', item: 1 }),
      await blockedIn(full, { op: 'putAsync', item: 2 }),
      await blockedIn(full, { op: 'putMany', items: [3, 4] }),
    ];
    const mainGet = outcome(empty.getAsync());
    const mainPut = outcome(full.putAsync('main'));
    empty.shutdown();
    full.shutdown();
    for (const g of getters) expect(await g.result).toMatchObject({ error: 'QueueShutDown' });
    for (const p of putters) expect(await p.result).toMatchObject({ error: 'QueueShutDown' });
    expect(await settle(mainGet, 'main getAsync')).toBeInstanceOf(QueueShutDown);
    expect(await settle(mainPut, 'main putAsync')).toBeInstanceOf(QueueShutDown);
    expect(full.get()).toBe('full');
  });

  it('a shutdown from a worker wakes the main thread waiting in getAsync', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    const pending = outcome(q.getAsync());
    expect(await startOp(q, { op: 'shutdown' }).result).toMatchObject({ value: 'shut down' });
    expect(await settle(pending, 'getAsync')).toBeInstanceOf(QueueShutDown);
  });

  it('a putMany cut short by shutdown says how many items went in', async () => {
    const q = new BoundedQueue<number>({ capacity: 2 });
    const pending = outcome(q.putManyAsync([1, 2, 3, 4]));
    await until(() => q.qsize() === 2, 'the first chunk went in');
    q.shutdown();
    const error = await settle(pending, 'putManyAsync');
    expect(error).toBeInstanceOf(QueueShutDown);
    expect((error as QueueShutDown).putCount).toBe(2);
    expect(q.getMany(4)).toEqual([1, 2]);
  });
});

describe('immediate shutdown', () => {
  it('empties the queue, counts the dropped items as done, and a join blocked in a worker returns', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany([1, 2, 3]);
    expect(q.get()).toBe(1); // taken, not yet done
    const joiner = await blockedIn(q, { op: 'join' });
    q.shutdown({ immediate: true });
    expect(q.qsize()).toBe(0);
    expect(q.stats()).toMatchObject({ depth: 0, dropped: 2, unfinished: 1, got: 1, shutDown: true });
    expect(() => q.get()).toThrow(QueueShutDown);
    q.taskDone(); // the one item really taken
    expect(await joiner.result).toMatchObject({ value: 'joined' });
  });

  it('wakes a getter blocked in a worker (nothing left to drain) and a putter blocked on a full queue', async () => {
    const empty = new BoundedQueue({ capacity: 1 });
    const getter = await blockedIn(empty, { op: 'get' });
    const full = new BoundedQueue({ capacity: 1 });
    full.put('dropped');
    const putter = await blockedIn(full, { op: 'put', item: 'never' });
    empty.shutdown({ immediate: true });
    full.shutdown({ immediate: true });
    expect(await getter.result).toMatchObject({ error: 'QueueShutDown' });
    expect(await putter.result).toMatchObject({ error: 'QueueShutDown' });
    expect(full.qsize()).toBe(0);
    full.join(); // the dropped item counts as done
  });

  it('issued from a worker, lets the main thread joinAsync return', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany(['a', 'b']);
    const joined = q.joinAsync();
    expect(await startOp(q, { op: 'shutdownImmediate' }).result).toMatchObject({ value: 'shut down' });
    await settle(joined, 'joinAsync after immediate shutdown');
    expect(q.stats()).toMatchObject({ unfinished: 0, dropped: 2 });
  });
});
