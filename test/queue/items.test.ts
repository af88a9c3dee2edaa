/** What goes in comes out: FIFO order and every kind of item, unchanged, on one thread and across workers. */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, ItemTooLargeError, QueueFull, SENTINEL } from '../../src/index.js';
import { startOp } from './ops.js';

const NAN_BITS = [
  0x7ff8000000000001n,
  0xfff8000000000000n,
  0x7ff4000000000001n,
  0x7ff40001_00000005n,
  0xffffffffffffffffn,
];

/** NaNs with unusual bit patterns, including ones that look like the queue's boxed headers. */
function oddNaNs(): number[] {
  const f = new Float64Array(NAN_BITS.length);
  new BigUint64Array(f.buffer).set(NAN_BITS);
  return Array.from(f);
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  1.5,
  Math.PI,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  -(2 ** 53),
  2 ** 31,
  -(2 ** 31) - 1,
  ...oddNaNs(),
];

const OTHERS: unknown[] = [
  '',
  'plain ascii',
  'héllo wörld ✓ 𝄞 日本語 🎉',
  'lone surrogates \ud800 and \udfff survive',
  'x'.repeat(248), // exactly fills a default slot's payload (256 - 8 header bytes)
  'ü'.repeat(124), // the same in two-byte UTF-8
  true,
  false,
  null,
  undefined,
  [],
  [1, 'two', [3, [4, { five: 5 }]], null, true],
  {
    id: 7,
    name: 'x',
    tags: ['a', 'b'],
    nested: { deep: [null, { deeper: 'ü' }] },
    ключ: 'значение',
    '': 0,
  },
  { nan: NaN, negZero: -0, inf: -Infinity, undef: undefined },
  new Date(0),
  new Map<unknown, unknown>([
    [1, 'one'],
    ['two', { 2: 2 }],
  ]),
  new Set([1, 'a', null]),
  12345678901234567890n,
  /re(g)ex/giu,
  new Uint8Array([1, 2, 255]),
  SENTINEL,
];

function sameItem(actual: unknown, expected: unknown, what: string): void {
  if (typeof expected === 'number') {
    if (Number.isNaN(expected)) expect(Number.isNaN(actual), what).toBe(true);
    else expect(Object.is(actual, expected), `${what}: ${String(actual)} is ${String(expected)}`).toBe(true);
  } else if (expected === SENTINEL) {
    expect(actual, what).toBe(SENTINEL);
  } else {
    expect(actual, what).toStrictEqual(expected);
  }
}

describe('FIFO order and item fidelity', () => {
  it('returns numbers bit for bit (-0, ±Infinity, extremes) and every NaN as NaN', () => {
    const q = new BoundedQueue<number>({ capacity: NUMBERS.length });
    for (const n of NUMBERS) q.put(n);
    expect(q.full()).toBe(true);
    for (const [i, n] of NUMBERS.entries()) sameItem(q.get(), n, `number #${i}`);
    expect(q.empty()).toBe(true);
  });

  it(
    'returns strings (ASCII, UTF-8, lone surrogates), objects, arrays, ' +
      'nested and structured-clone types unchanged, in order',
    () => {
      const q = new BoundedQueue({ capacity: OTHERS.length });
      for (const item of OTHERS) q.put(item);
      expect(q.qsize()).toBe(OTHERS.length);
      for (const [i, item] of OTHERS.entries()) sameItem(q.get(), item, `item #${i} (${typeof item})`);
    },
  );

  it('decodes a fresh value each time: changing what get returned or what was put changes nothing else', () => {
    const q = new BoundedQueue<{ list: number[] }>({ capacity: 4 });
    const original = { list: [1, 2] };
    q.put(original);
    q.put(original);
    original.list.push(3);
    const a = q.get();
    const b = q.get();
    expect(a).toEqual({ list: [1, 2] });
    expect(a).not.toBe(b);
    a.list.push(99);
    expect(b.list).toEqual([1, 2]);
  });

  it(
    'gives back exactly the structured clone of data that JSON would change ' +
      '(plain data travels as JSON, the rest does not)',
    () => {
      // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about
      const sparse = [1, , 3];
      const withProperty = Object.assign([1, 2], { extra: 'kept' });
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      let deep: unknown = 'bottom';
      for (let i = 0; i < 40; i++) deep = { down: deep };
      const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
      class Point {
        constructor(readonly x: number) {}
      }
      const items: unknown[] = [
        { plain: [1, 'two', { three: [true, null] }] }, // plain data: the JSON path
        { '2': 'b', '1': 'a', z: 0, __proto__: { inherited: 1 } }, // an inherited enumerable key: not plain
        { ['__proto__']: 5 }, // an own key named __proto__
        { nested: { negZero: -0, nan: NaN, inf: Infinity, undef: undefined } },
        sparse,
        withProperty,
        cyclic,
        deep,
        nullProto,
        new Point(3),
        { when: new Date(1), big: 2n ** 70n },
        { lone: 'x\ud800y', emoji: '🎉' },
      ];
      const q = new BoundedQueue({ capacity: items.length, slotBytes: 2048 });
      for (const item of items) q.put(item);
      items.forEach((item, i) => {
        const got = q.get();
        const clone = structuredClone(item);
        expect(got, `item #${i}`).toStrictEqual(clone);
        expect(Object.keys(got as object), `keys of item #${i}`).toEqual(Object.keys(clone as object));
      });
      const back = (() => {
        q.put(cyclic);
        return q.get() as Record<string, unknown>;
      })();
      expect(back.self).toBe(back);
    },
  );

  it('keeps FIFO order while wrapping around the ring many times, one by one and in batches', () => {
    const q = new BoundedQueue<number | string>({ capacity: 3 });
    let next = 0;
    let expected = 0;
    for (let lap = 0; lap < 500; lap++) {
      q.put(next++);
      q.put(`s${next++}`);
      expect(q.get()).toBe(expected++);
      q.putMany([next++]);
      for (const item of q.getMany(3)) expect(item).toBe(typeof item === 'string' ? `s${expected++}` : expected++);
    }
    expect(expected).toBe(next);
  });

  it('getMany takes 1..max in order without waiting for more; putMany fills in order', () => {
    const q = new BoundedQueue<number>({ capacity: 10 });
    q.putMany([1, 2, 3, 4, 5]);
    expect(q.getMany(3)).toEqual([1, 2, 3]);
    expect(q.getMany(10)).toEqual([4, 5]);
    q.putMany(new Set([6, 7])); // any iterable
    expect(q.getMany(1)).toEqual([6]);
    expect(q.getMany(1)).toEqual([7]);
    q.putMany([]);
    expect(q.qsize()).toBe(0);
    expect(() => q.getMany(0)).toThrow(RangeError);
    expect(() => q.getMany(1.5)).toThrow(/max must be a positive integer/);
  });

  it('carries every kind of item from a worker to the main thread and back, unchanged and in order', async () => {
    const q = new BoundedQueue({ capacity: 64 });
    const items = [...NUMBERS, ...OTHERS.filter((x) => x !== SENTINEL)]; // a symbol cannot be posted to a worker
    const putter = startOp(q, { op: 'putMany', items });
    expect(await putter.result).toMatchObject({ value: 'put' });
    for (const [i, item] of items.entries()) sameItem(q.get(), item, `from worker, item #${i}`);
    q.putMany(items);
    const getter = startOp(q, { op: 'getMany', max: 64 });
    const { value } = await getter.result;
    for (const [i, item] of (value as unknown[]).entries()) sameItem(item, items[i], `to worker, item #${i}`);
  });

  it('refuses what structured clone cannot carry, before touching the queue', () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect(() => q.put(Symbol('nope'))).toThrow(/symbol cannot be cloned.*only SENTINEL/);
    expect(() => q.put(() => 1)).toThrow(/could not be cloned/);
    expect(q.qsize()).toBe(0);
    expect(q.stats().put).toBe(0);
  });

  it('refuses bad shapes with a message naming the accepted range', () => {
    expect(() => new BoundedQueue({ capacity: 0 })).toThrow(/capacity must be an integer from 1/);
    expect(() => new BoundedQueue({ capacity: 1.5 })).toThrow(/capacity must be an integer/);
    expect(() => new BoundedQueue({ capacity: 2, slotBytes: 12 })).toThrow(
      /slotBytes must be a multiple of 8 from 16 to 1048576/,
    );
    expect(() => new BoundedQueue({ capacity: 2, slotBytes: 100 })).toThrow(/multiple of 8/);
  });

  // #26 item 13: these threw V8's own TypeError and RangeError, which say nothing about the queue.
  it('refuses missing options and sizes no buffer can have with errors that say what is accepted', () => {
    const make = (options: unknown) => () => new BoundedQueue(options as never);
    expect(make(undefined)).toThrow(TypeError);
    expect(make(undefined)).toThrow(
      /new BoundedQueue\(\{ capacity, .*options with a capacity .* are required, got undefined/,
    );
    expect(make(null)).toThrow(/options with a capacity/);
    expect(make({})).toThrow(/capacity must be an integer from 1 to 16777216, got undefined/);
    expect(make({ capacity: 2, slotBytes: 2 ** 31 })).toThrow(RangeError);
    expect(make({ capacity: 2, slotBytes: 2 ** 31 })).toThrow(/slotBytes must be a multiple of 8 from 16 to 1048576/);
    expect(make({ capacity: 2 ** 24, slotBytes: 2 ** 20 })).toThrow(
      /a queue of 16777216 slots of 1048576 bytes needs \d+ bytes, more than the 2147483648 a queue may have/,
    );
    expect(() => BoundedQueue.bytesFor(2, 2 ** 31)).toThrow(/slotBytes must be/);
    expect(make({ capacity: 2, overflowBytes: -1 })).toThrow(
      /overflowBytes must be an integer from 0 .* to 1073741824/,
    );
    expect(make({ capacity: 2, overflowBytes: 2 ** 31 })).toThrow(RangeError);
  });
});

describe('items too big for a slot, in a queue without an overflow area (overflowBytes: 0)', () => {
  /** Runs `fn`, which must throw an ItemTooLargeError, and returns it. */
  function tooLarge(fn: () => unknown): ItemTooLargeError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ItemTooLargeError);
      return e as ItemTooLargeError;
    }
    throw new Error('expected an ItemTooLargeError');
  }

  it('throws ItemTooLargeError with both sizes and a slotBytes that would do, leaving the queue unharmed', async () => {
    const q = new BoundedQueue({ capacity: 2, slotBytes: 64, overflowBytes: 0 });
    q.put('small');
    const before = q.stats();
    const error = tooLarge(() => q.put('x'.repeat(100)));
    expect(error.itemBytes).toBe(100);
    expect(error.slotBytes).toBe(64);
    expect(error.neededSlotBytes).toBe(112);
    expect(error.message).toMatch(/100 bytes but a slot of 64 bytes holds at most 56.*at least 112/);
    expect(tooLarge(() => q.put('€'.repeat(20))).itemBytes).toBe(60); // UTF-8 bytes, not string length
    expect(tooLarge(() => q.put({ blob: 'y'.repeat(60) })).itemBytes).toBeGreaterThan(60); // structured-clone bytes
    expect(() => q.putMany(['ok', { blob: 'y'.repeat(200) }])).toThrow(ItemTooLargeError); // none of the batch goes in
    await expect(q.putAsync('z'.repeat(57))).rejects.toThrow(ItemTooLargeError);
    expect(q.stats()).toEqual(before); // no slot taken, no count changed
    q.put('x'.repeat(56)); // exactly fills a payload
    expect(q.getMany(5)).toEqual(['small', 'x'.repeat(56)]);
    expect(() => q.putNowait('fits')).not.toThrow();
  });

  it('an item too large for a full queue reports its size, not QueueFull', () => {
    const q = new BoundedQueue({ capacity: 1, slotBytes: 16, overflowBytes: 0 });
    q.put(1);
    expect(() => q.putNowait('123456789')).toThrow(ItemTooLargeError);
    expect(() => q.putNowait('12345678')).toThrow(QueueFull);
  });

  it('the suggested slotBytes holds the item', () => {
    const item = { text: 'ü'.repeat(300), list: Array.from({ length: 50 }, (_, i) => i) };
    const error = tooLarge(() => new BoundedQueue({ capacity: 1, overflowBytes: 0 }).put(item));
    const roomy = new BoundedQueue<typeof item>({ capacity: 1, slotBytes: error.neededSlotBytes, overflowBytes: 0 });
    roomy.put(item);
    expect(roomy.get()).toEqual(item);
  });
});
