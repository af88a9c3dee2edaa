/** Handles (from/revive in a worker, placement in a larger buffer, bad handles) and the lock-free counters. */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, InvalidHandleError, Lock, QueueFull, revive } from '../../src/index.js';
import { PUT_HI, PUT_LO } from '../../src/queue/layout.js';
import { startOp } from './ops.js';

describe('handles', () => {
  it('a worker rebuilds the queue with BoundedQueue.from(handle) or revive(handle) and shares its items', async () => {
    const q = new BoundedQueue({ capacity: 4, slotBytes: 64 });
    expect(structuredClone(q.handle)).toEqual(q.handle);
    for (const via of ['from', 'revive'] as const) {
      expect(await startOp(q, { op: 'put', item: `via ${via}` }, { via }).result).toMatchObject({ value: 'put' });
    }
    expect(q.getMany(4)).toEqual(['via from', 'via revive']);
    q.put({ back: 'to the worker' });
    expect(await startOp(q, { op: 'get' }, { via: 'revive' }).result).toMatchObject({
      value: { back: 'to the worker' },
    });
  });

  it('from(handle) on the same thread gives a second view of the same queue, shape included', () => {
    const q = new BoundedQueue<string>({ capacity: 3, slotBytes: 32, stampItems: true });
    const again = BoundedQueue.from<string>(q.handle);
    const revived = revive(q.handle) as BoundedQueue<string>;
    expect(again.capacity).toBe(3);
    expect(again.slotBytes).toBe(32);
    q.put('one');
    expect(again.qsize()).toBe(1);
    expect(revived.get()).toBe('one');
    expect(Number.isNaN(revived.lastItemAgeMs)).toBe(false); // stamps travel with the memory
  });

  it('a queue placed inside a larger buffer (memory option) works there and across workers', async () => {
    const bytes = BoundedQueue.bytesFor(2, 64);
    const buffer = new SharedArrayBuffer(64 + bytes + 64);
    const canary = new Int32Array(buffer);
    canary.fill(0x5a5a5a5a);
    const q = new BoundedQueue({ capacity: 2, slotBytes: 64, memory: { buffer, byteOffset: 64 } });
    q.putMany(['a', 2]);
    expect(await startOp(q, { op: 'getMany', max: 2 }).result).toMatchObject({ value: ['a', 2] });
    const words = buffer.byteLength / 4;
    expect(Array.from(canary.subarray(0, 16)).every((w) => w === 0x5a5a5a5a)).toBe(true); // before it: untouched
    const after = Array.from(canary.subarray((64 + bytes) / 4, words));
    expect(after.every((w) => w === 0x5a5a5a5a)).toBe(true); // after it: untouched
    expect(() => new BoundedQueue({ capacity: 4, slotBytes: 64, memory: { buffer, byteOffset: 64 } })).toThrow(
      /needs \d+ bytes/,
    );
  });

  it('refuses handles that do not describe a queue, saying what they are', () => {
    const lock = new Lock();
    expect(() => BoundedQueue.from(lock.handle as never)).toThrow(InvalidHandleError);
    expect(() => BoundedQueue.from({ ...lock.handle, kind: 'BoundedQueue' } as never)).toThrow(InvalidHandleError);
    const blank = { kind: 'BoundedQueue' as const, buffer: new SharedArrayBuffer(4096), byteOffset: 0 };
    expect(() => BoundedQueue.from(blank)).toThrow(/uninitialised/);
    expect(() => revive(blank)).toThrow(InvalidHandleError);
    expect(() => BoundedQueue.from({ ...blank, buffer: new SharedArrayBuffer(8) })).toThrow(/needs \d+ bytes/);
    expect(() => BoundedQueue.from({ ...new BoundedQueue({ capacity: 1 }).handle, byteOffset: 4 })).toThrow(
      /multiple of 8/,
    );
    expect(() => BoundedQueue.from(null as never)).toThrow(InvalidHandleError);
  });
});

describe('counters for the dashboard (read without the lock)', () => {
  it('reports depth, high water, totals, blocked calls, unfinished, dropped and the lock counters', () => {
    const q = new BoundedQueue({ capacity: 3 });
    expect(q.stats()).toEqual({
      depth: 0,
      capacity: 3,
      highWater: 0,
      put: 0,
      got: 0,
      putBlocked: 0,
      getBlocked: 0,
      unfinished: 0,
      dropped: 0,
      shutDown: false,
    });
    q.putMany([1, 2, 3]);
    q.get();
    q.put(4, { timeout: 1 });
    expect(() => q.put(5, { timeout: 1 })).toThrow(QueueFull);
    q.getMany(3);
    expect(() => q.get({ timeout: 1 })).toThrow();
    q.put(6);
    q.shutdown({ immediate: true });
    expect(q.stats()).toEqual({
      depth: 0,
      capacity: 3,
      highWater: 3,
      put: 5,
      got: 4,
      putBlocked: 1,
      getBlocked: 1,
      unfinished: 4,
      dropped: 1,
      shutDown: true,
    });
    const lock = q.lockStats();
    expect(lock.acquisitions).toBeGreaterThanOrEqual(8);
    expect(lock.holder).toBeUndefined();
  });

  it('put/got totals carry past 2^32 (two words)', () => {
    const q = new BoundedQueue<number>({ capacity: 8 });
    const words = new Int32Array(q.handle.buffer, q.handle.byteOffset, 32);
    words[PUT_LO] = -3; // 2^32 - 3 items put so far
    q.putMany([1, 2, 3, 4, 5]);
    expect(words[PUT_HI]).toBe(1);
    expect(q.stats().put).toBe(2 ** 32 + 2);
    q.put(6);
    expect(q.stats().put).toBe(2 ** 32 + 3);
  });

  it('qsize/empty/full are approximate snapshots (exact when nobody else acts)', () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect([q.qsize(), q.empty(), q.full()]).toEqual([0, true, false]);
    q.put('a');
    expect([q.qsize(), q.empty(), q.full()]).toEqual([1, false, false]);
    q.put('b');
    expect([q.qsize(), q.empty(), q.full()]).toEqual([2, false, true]);
  });
});
