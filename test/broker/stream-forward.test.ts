/**
 * A stage worker's step on streams (StreamQueue.forward, forward-5.lua) on a real redis-server:
 * each entry is acknowledged on the input and its result added to the output in one script, so
 * an entry two stage workers both hold (one claimed it from the other) is passed on once; a full
 * output takes what fits and leaves the rest unacknowledged; a dropped item is only acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { StreamQueue } from '../../src/broker/stream-queue.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';

describe.skipIf(!HAS_REDIS)('StreamQueue.forward on redis-server', () => {
  const suite = redisSuite('f0rward');
  const open = (stream: string, capacity: number, consumer?: string) =>
    StreamQueue.open(parseBrokerUrl(suite.server.url), { stream, capacity, consumer, claimIdleMs: 1 });

  it('passes an entry that two stage workers hold on once: the later forward finds it acknowledged', async () => {
    const [input, first, second, output] = await Promise.all([
      open('in-a', 10),
      open('in-a', 10, 'S1.1'),
      open('in-a', 10, 'S1.2'),
      open('out-a', 10),
    ]);
    await input.putMany([1, 2]);
    const taken = await first.take(2, { timeoutMs: 5_000 });
    expect(taken.map((e) => e.item)).toEqual([1, 2]);
    // The second claims what the first holds (idle past 1 ms), as after the first seemed dead.
    await new Promise((r) => setTimeout(r, 5));
    const claimed = await second.take(2, { timeoutMs: 5_000 });
    expect(claimed.map((e) => e.item)).toEqual([1, 2]);
    // 1 is squared, 2 dropped: the first worker's forward comes first, the second's finds both done.
    const results = (entries: typeof taken) => entries.map((e) => ({ entry: e, item: e.item === 1 ? 1 : undefined }));
    expect(await output.forward(second, results(claimed))).toBe('ff');
    expect(await output.forward(first, results(taken))).toBe('dd');
    expect(await output.depth()).toBe(1);
    expect(await input.depth()).toBe(0);
    expect(await input.serverCounts()).toEqual({ put: 2, acked: 2, duplicates: 2 });
    expect(await output.serverCounts()).toEqual({ put: 1, acked: 0, duplicates: 0 });
    await Promise.all([input, first, second, output].map((q) => q.close()));
  });

  it('with room for one, passes on one, and leaves the rest pending for the next call', async () => {
    const [input, worker, output] = await Promise.all([open('in-b', 10), open('in-b', 10, 'S1.1'), open('out-b', 1)]);
    await input.putMany(['a', 'b', 'c']);
    const taken = await worker.take(3, { timeoutMs: 5_000 });
    const results = taken.map((e) => ({ entry: e, item: `${e.item}!` }));
    expect(await output.forward(worker, results)).toBe('f');
    expect(await output.forward(worker, results.slice(1))).toBe('');
    expect(await input.depth()).toBe(2); // b and c: still pending, for this worker or a claimer
    const reader = await open('out-b', 1, 'C1');
    const [entry] = await reader.take(1, { timeoutMs: 5_000 });
    expect(entry!.item).toBe('a!');
    await reader.ack(entry!);
    expect(await output.forward(worker, results.slice(1))).toBe('f');
    expect(await input.depth()).toBe(1);
    await Promise.all([input, worker, output, reader].map((q) => q.close()));
  });
});
