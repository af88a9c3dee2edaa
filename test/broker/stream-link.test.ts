/**
 * StreamLink, the main thread's side of a link on a real redis-server: sentinels only after the
 * stream has drained, readings from the last refresh, close() sending them at once, and a run that
 * ends while they wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { StreamLink } from '../../src/broker/stream-link.js';
import { StreamQueue } from '../../src/broker/stream-queue.js';
import type { Link } from '../../src/pipeline/link.js';
import { SENTINEL } from '../../src/queue/sentinel.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

/** What the cascade and the sampler use of a link: StreamLink must offer all of it (the type checker says so). */
type LinkSurface = Pick<
  Link,
  | 'sentinelsSent'
  | 'sentinelsPending'
  | 'ended'
  | 'closed'
  | 'close'
  | 'sendSentinels'
  | 'sentinelTaken'
  | 'lockHolder'
  | 'readings'
>;
export const asLink = (link: StreamLink): LinkSurface => link;

describe.skipIf(!HAS_REDIS)('StreamLink on redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const open = (stream: string, consumer?: string) =>
    StreamQueue.open(parseBrokerUrl(server.url), { stream, capacity: 10, consumer });

  it('sends its sentinels once every entry is acknowledged, never ahead of an item', async () => {
    const main = await open('a');
    const consumer = await open('a', 'C1');
    const link = new StreamLink(main, 100, () => true);
    await main.putMany(['x', 'y', 'z']);
    await link.refresh();
    expect(link.readings()).toMatchObject({ depth: 3, capacity: 10, highWater: 3, sentinelsSent: 0, closed: false });
    const sending = link.sendSentinels(2);
    const taken: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const entry = (await consumer.get({ timeoutMs: DEADLINE_MS }))!;
      await consumer.ack(entry);
      taken.push(entry.item);
      if (entry.item === SENTINEL) link.sentinelTaken();
    }
    await within(sending, DEADLINE_MS, 'the sentinels');
    expect(taken).toEqual(['x', 'y', 'z', SENTINEL, SENTINEL]);
    expect(link.sentinelsSent).toBe(2);
    expect(link.sentinelsPending).toBe(0);
    await link.refresh();
    expect(link.readings()).toMatchObject({ depth: 0, highWater: 3, sentinelsSent: 2 });
    await Promise.all([main.close(), consumer.close()]);
  });

  it('once closed, sends them at once, even with entries left unacknowledged', async () => {
    const main = await open('b');
    const reader = await open('b', 'C1');
    await main.put('held');
    await reader.get(); // read, never acknowledged
    const link = new StreamLink(main, 100, () => true);
    link.close();
    await within(link.sendSentinels(1), DEADLINE_MS, 'the sentinel of a closed link');
    expect(link.sentinelsSent).toBe(1);
    expect(await main.depth()).toBe(2);
    await Promise.all([main.close(), reader.close({ leave: false })]);
  });

  it('gives up sending when the run ends while it waits for the drain', async () => {
    const main = await open('c');
    await main.put('never taken');
    let running = true;
    const link = new StreamLink(main, 20, () => running);
    const sending = link.sendSentinels(3);
    running = false;
    await within(sending, DEADLINE_MS, 'the abandoned send');
    expect(link.sentinelsSent).toBe(0);
    expect(link.sentinelsPending).toBe(0);
    expect(await main.depth()).toBe(1);
    await main.close();
  });
});
