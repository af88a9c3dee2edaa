/**
 * Items larger than a slot (#26 item 3): they go through the overflow area whole and in order,
 * and a put waiting for room there blocks, times out and is shut down exactly as one waiting for
 * a free slot (Python 3.13's queue semantics), with the blocked party in a real worker.
 */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, InvalidHandleError, ItemTooLargeError, QueueFull, QueueShutDown } from '../../src/index.js';
import { blockedIn, startOp } from './ops.js';

const KiB = 1024;
const NOW = { block: false } as const; // a single-thread test must not wait: a bug throws instead of hanging

/** A record whose structured clone or JSON is about `bytes` long, tagged with `n`. */
const record = (n: number, bytes: number): { n: number; body: string } => ({ n, body: String(n % 10).repeat(bytes) });

describe('items larger than a slot go through whole, in order', () => {
  it('strings (ASCII, UTF-8, lone surrogates), records and structured-clone types of 249 B to 1 MiB', () => {
    const q = new BoundedQueue({ capacity: 16 });
    const items: unknown[] = [
      'x'.repeat(249), // one byte past a default slot's payload
      'ü'.repeat(125),
      `lone ${'\ud800'.repeat(200)} surrogate`,
      record(1, 4 * KiB),
      [record(2, 300), record(3, 300)],
      new Map([[1, 'm'.repeat(10 * KiB)]]),
      { when: new Date(5), big: 2n ** 90n, bytes: new Uint8Array(64 * KiB).fill(7) },
    ];
    q.putMany(items, NOW);
    for (const [i, item] of items.entries()) expect(q.get(NOW), `item #${i}`).toStrictEqual(structuredClone(item));
    // Each as large as the area grew to (1 MiB): one at a time.
    for (const item of ['y'.repeat(1024 * KiB), record(4, 1024 * KiB - 20)]) {
      q.put(item, NOW);
      expect(q.get(NOW)).toStrictEqual(item);
    }
    expect(q.empty()).toBe(true);
  });

  it('keeps FIFO order and every byte while the area wraps around many times (sizes vary, batches too)', () => {
    const q = new BoundedQueue<unknown>({ capacity: 8, overflowBytes: 64 * KiB });
    let next = 0;
    let expected = 0;
    const size = (n: number): number => [0, 300, 5000, 20 * KiB, 30 * KiB][n % 5]!; // two in flight fit
    const check = (got: unknown): void => {
      const n = expected++;
      if (size(n) === 0) expect(got).toBe(n);
      else expect(got, `item ${n}`).toEqual(record(n, size(n)));
    };
    const item = (n: number): unknown => (size(n) === 0 ? n : record(n, size(n)));
    for (let lap = 0; lap < 300; lap++) {
      q.put(item(next++), NOW);
      q.putMany([item(next++)], NOW);
      check(q.get(NOW));
      for (const got of q.getMany(8, NOW)) check(got);
    }
    expect(expected).toBe(next);
  });

  it('carries large items from a worker to the main thread and back', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    const items = [record(1, 8 * KiB), 'z'.repeat(70 * KiB), record(2, 300)];
    expect(await startOp(q, { op: 'putMany', items }).result).toMatchObject({ value: 'put' });
    expect(q.getMany(4, NOW)).toEqual(items);
    q.putMany(items, NOW);
    expect((await startOp(q, { op: 'getMany', max: 4 }).result).value).toEqual(items);
  });

  it('the area starts empty, grows for the first item that needs it and never past overflowBytes', () => {
    const q = new BoundedQueue({ capacity: 4, overflowBytes: 3 * 1024 * KiB });
    const area = (): number => (q.handle.overflow as SharedArrayBuffer).byteLength;
    q.put(123, NOW);
    q.put('short', NOW);
    expect(area()).toBe(0);
    q.put(record(1, 4 * KiB), NOW);
    expect(area()).toBe(1024 * KiB); // the smallest growth: room for many records of a few KiB
    q.getMany(3, NOW);
    q.put('w'.repeat(2 * 1024 * KiB), NOW); // needs more: the area is empty, so it grows (to a power of two)
    expect(area()).toBe(4 * 1024 * KiB);
    expect((q.handle.overflow as SharedArrayBuffer).maxByteLength).toBe(4 * 1024 * KiB);
    expect((q.get(NOW) as string).length).toBe(2 * 1024 * KiB);
  });
});

describe('the overflow area in handles', () => {
  it('travels in queue.handle; a handle stripped of it is refused with InvalidHandleError saying so', () => {
    const q = new BoundedQueue({ capacity: 2 });
    const { overflow, ...stripped } = q.handle;
    expect(overflow).toBeInstanceOf(SharedArrayBuffer);
    expect(() => BoundedQueue.from(stripped)).toThrow(InvalidHandleError);
    expect(() => BoundedQueue.from(stripped)).toThrow(/handle does not carry its buffer: pass queue.handle as it is/);
    const other = BoundedQueue.from<unknown>(q.handle);
    other.put(record(1, 5 * KiB), NOW);
    expect(q.get(NOW)).toEqual(record(1, 5 * KiB));
    expect(BoundedQueue.from(new BoundedQueue({ capacity: 1, overflowBytes: 0 }).handle).overflowBytes).toBe(0);
  });
});

describe('an item too large for the queue', () => {
  it('is refused with ItemTooLargeError naming both sizes and overflowBytes, the queue untouched', async () => {
    const q = new BoundedQueue({ capacity: 2, overflowBytes: 10 * KiB });
    q.put('first', NOW);
    const before = q.stats();
    let error: unknown;
    try {
      q.put('x'.repeat(10 * KiB + 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ItemTooLargeError);
    expect(error).toMatchObject({ itemBytes: 10 * KiB + 1, overflowBytes: 10 * KiB });
    expect((error as Error).message).toMatch(/10241 bytes, more than this queue's overflowBytes \(10240\).*larger/);
    expect(() => q.putMany(['ok', record(1, 20 * KiB)])).toThrow(ItemTooLargeError); // none of the batch goes in
    await expect(q.putAsync('y'.repeat(11 * KiB))).rejects.toThrow(ItemTooLargeError);
    expect(q.stats()).toEqual(before);
    q.put('x'.repeat(10 * KiB), NOW); // exactly the limit
    expect(q.getMany(2, NOW)).toEqual(['first', 'x'.repeat(10 * KiB)]);
  });

  it('with overflowBytes: 0, must fit a slot (and the error says how to let it through)', () => {
    const q = new BoundedQueue({ capacity: 1, slotBytes: 64, overflowBytes: 0 });
    expect(q.handle.overflow).toBeUndefined();
    expect(() => q.put('x'.repeat(57))).toThrow(/slot of 64 bytes holds at most 56.*overflowBytes: 0.*slotBytes/);
    q.put('x'.repeat(56), NOW);
    expect(q.get(NOW)).toBe('x'.repeat(56));
  });
});

describe('waiting for room in the overflow area (the blocked putter in a worker)', () => {
  /** A queue with free slots whose 64 KiB area holds `fill` items of 20 KiB (and not a fourth). */
  function areaFull(fill = 3): BoundedQueue {
    const q = new BoundedQueue({ capacity: 8, overflowBytes: 64 * KiB });
    for (let n = 0; n < fill; n++) q.put(record(n, 20 * KiB), NOW);
    return q;
  }

  it('a put blocks while the area is full though slots are free, and goes in when a get frees room', async () => {
    const q = areaFull();
    expect(q.full()).toBe(false);
    expect(() => q.putNowait(record(9, 20 * KiB))).toThrow(/overflow area had no room for this item/);
    q.putNowait(42); // a small item still takes a free slot at once
    const putter = await blockedIn(q, { op: 'put', item: record(3, 20 * KiB) });
    expect(q.get(NOW)).toEqual(record(0, 20 * KiB));
    expect((await putter.result).value).toBe('put');
    expect(q.getMany(8, NOW)).toEqual([record(1, 20 * KiB), record(2, 20 * KiB), 42, record(3, 20 * KiB)]);
  });

  it('a put that needs the area to grow waits until it is empty, woken by the get that empties it', async () => {
    const q = new BoundedQueue({ capacity: 8, overflowBytes: 4 * 1024 * KiB });
    q.put(record(0, 4 * KiB), NOW); // the area grows to 1 MiB
    const putter = await blockedIn(q, { op: 'put', item: record(1, 2 * 1024 * KiB) });
    expect(q.get(NOW)).toEqual(record(0, 4 * KiB)); // the queue is empty now: the putter must wake
    expect((await putter.result).value).toBe('put');
    expect(q.get(NOW)).toEqual(record(1, 2 * 1024 * KiB));
  });

  it('a timed put gives up with QueueFull, leaving the queue and its items as they were', async () => {
    const q = areaFull();
    const before = q.stats();
    const putter = await startOp(q, { op: 'put', item: record(3, 20 * KiB), timeout: 150 }).result;
    expect(putter).toMatchObject({ error: 'QueueFull' });
    expect(putter.message).toMatch(/timed out after 150 ms: the queue's overflow area had no room/);
    expect(q.stats()).toMatchObject({ depth: 3, put: before.put, got: 0 });
    expect(q.getMany(8, NOW)).toEqual([0, 1, 2].map((n) => record(n, 20 * KiB)));
    q.put(record(4, 60 * KiB), NOW); // the room is all there again
    expect(q.get(NOW)).toEqual(record(4, 60 * KiB));
  });

  it('putMany puts what fits, waits for the rest, and a timeout reports how many went in', async () => {
    const q = areaFull(1);
    const items = [1, 2, 3].map((n) => record(n, 20 * KiB));
    let error: unknown;
    try {
      q.putMany(items, { timeout: 100 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueFull);
    expect((error as QueueFull).putCount).toBe(2);
    const putter = await blockedIn(q, { op: 'putMany', items: [record(4, 20 * KiB), record(5, 20 * KiB)] });
    expect(q.get(NOW)).toEqual(record(0, 20 * KiB));
    expect(q.get(NOW)).toEqual(record(1, 20 * KiB));
    expect((await putter.result).value).toBe('put');
    expect(q.getMany(8, NOW).map((r) => (r as { n: number }).n)).toEqual([2, 4, 5]);
  });

  it('shutdown wakes a put waiting for room with QueueShutDown; the items queued still come out whole', async () => {
    const q = areaFull();
    const putter = await blockedIn(q, { op: 'put', item: record(3, 20 * KiB) });
    q.shutdown();
    expect(await putter.result).toMatchObject({ error: 'QueueShutDown' });
    const drained = await startOp(q, { op: 'drain' }).result;
    expect(drained.value).toEqual({ items: [0, 1, 2].map((n) => record(n, 20 * KiB)), error: 'QueueShutDown' });
  });

  it('an immediate shutdown drops the large items queued, frees the area and lets join return', async () => {
    const q = areaFull();
    const putter = await blockedIn(q, { op: 'putAsync', item: record(3, 20 * KiB) });
    const joiner = await blockedIn(q, { op: 'join' });
    q.shutdown({ immediate: true });
    expect(await putter.result).toMatchObject({ error: 'QueueShutDown' });
    expect((await joiner.result).value).toBe('joined');
    expect(q.stats()).toMatchObject({ depth: 0, dropped: 3, unfinished: 0 });
    expect(() => q.get({ block: false })).toThrow(QueueShutDown);
  });

  it('a timed get on an empty queue still times out, and a large item put meanwhile is taken whole', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect(await startOp(q, { op: 'get', timeout: 100 }).result).toMatchObject({ error: 'QueueEmpty' });
    const getter = await blockedIn(q, { op: 'get', timeout: 30_000 });
    q.put(record(7, 100 * KiB), NOW);
    expect((await getter.result).value).toEqual(record(7, 100 * KiB));
  });
});
