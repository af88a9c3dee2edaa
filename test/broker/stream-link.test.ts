/**
 * StreamLink, the main thread's side of a link on a real redis-server: the last sentinels only after
 * the stream has drained, and one for each remote consumer still running; a dismissal at once;
 * readings from the last refresh; close() sending them at once; a run that ends while they wait;
 * and one run at a time on a stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { publishRows } from '../../src/broker/remote-board.js';
import { StreamBusyError } from '../../src/broker/stream-lease.js';
import { StreamLink } from '../../src/broker/stream-link.js';
import { StreamQueue } from '../../src/broker/stream-queue.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import type { ChainLink } from '../../src/pipeline/link.js';
import { SENTINEL } from '../../src/queue/sentinel.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

/** StreamLink offers all the cascade and the sampler use of a link (the type checker says so). */
export const asLink = (link: StreamLink): ChainLink => link;

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
  /** The run's side of stream `stream`, announced with capacity 10, and ended (its last sentinels). */
  const runLink = async (stream: string, running: () => boolean = () => true, ended = true) => {
    const link = await StreamLink.open(server.url, { stream });
    await link.announce(resolveConfig({ capacity: 10, refreshMs: 20 }), running);
    link.ended = ended;
    return link;
  };

  it('sends its last sentinels once every entry is acknowledged, never ahead of an item', async () => {
    const link = await runLink('a');
    const producer = await open('a');
    const consumer = await open('a', 'C1');
    await within(producer.putMany(['x', 'y', 'z']), DEADLINE_MS, 'the puts');
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
    expect(link.reading()).toMatchObject({ put: 3, acked: 3, duplicates: 0, remoteWorkers: 0 });
    await Promise.all([link.disconnect(), producer.close(), consumer.close()]);
  });

  it('sends one more for each remote consumer still running, none for one that is done', async () => {
    const link = await runLink('r');
    await publishRows(link.queue.redis, 'r', [
      { id: 'C1@far:1', role: 'consumer', state: 'consuming', items: 0, blockedMs: 0 },
      { id: 'C2@far:1', role: 'consumer', state: 'done', items: 0, blockedMs: 0 },
      { id: 'P1@far:2', role: 'producer', state: 'done', items: 0, blockedMs: 0 },
    ]);
    await within(link.sendSentinels(1), DEADLINE_MS, 'the sentinels');
    expect(link.sentinelsSent).toBe(2);
    expect(await link.queue.depth()).toBe(2);
    expect(link.remoteTally(0)).toEqual({ all: 1, finished: 1 });
    expect(link.remoteTally(1)).toEqual({ all: 2, finished: 1 });
    await link.disconnect();
  });

  it('dismisses a worker mid-run at once, without waiting for the drain', async () => {
    const link = await runLink('d', () => true, false);
    await link.queue.put('still queued');
    await within(link.sendSentinels(1), DEADLINE_MS, 'the dismissal');
    expect(link.sentinelsSent).toBe(1);
    expect(await link.queue.depth()).toBe(2);
    await link.disconnect();
  });

  it('once closed, sends them at once, even with entries left unacknowledged', async () => {
    const link = await runLink('b');
    const reader = await open('b', 'C1');
    await link.queue.put('held');
    await reader.get(); // read, never acknowledged
    link.close();
    await within(link.sendSentinels(1), DEADLINE_MS, 'the sentinel of a closed link');
    expect(link.sentinelsSent).toBe(1);
    expect(await link.queue.depth()).toBe(2);
    await Promise.all([link.disconnect(), reader.close({ leave: false })]);
  });

  it('gives up sending when the run ends while it waits for the drain', async () => {
    let running = true;
    const link = await runLink('c', () => running);
    await link.queue.put('never taken');
    const sending = link.sendSentinels(3);
    running = false;
    await within(sending, DEADLINE_MS, 'the abandoned send');
    expect(link.sentinelsSent).toBe(0);
    expect(link.sentinelsPending).toBe(0);
    expect(await link.queue.depth()).toBe(1);
    await link.disconnect();
  });

  it('removes the sentinels an earlier run left behind when it announces a run, and keeps its items', async () => {
    const earlier = await open('left');
    await earlier.put('an item nobody took');
    await earlier.putSentinels(2);
    const link = await runLink('left');
    expect(await link.queue.depth()).toBe(1);
    const reader = await open('left', 'C1');
    expect((await reader.get({ timeoutMs: DEADLINE_MS }))?.item).toBe('an item nobody took');
    await Promise.all([link.disconnect(), earlier.close(), reader.close({ leave: false })]);
  });

  it('refuses a stream another link holds, and lets go of it when it disconnects', async () => {
    const holder = await StreamLink.open(server.url, { stream: 'held' });
    const refused = await StreamLink.open(server.url, { stream: 'held' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StreamBusyError);
    expect((refused as Error).message).toMatch(
      new RegExp(`^stream held at 127\\.0\\.0\\.1:${server.port} is in use by another run \\(pid ${process.pid} on `),
    );
    expect(Number(server.cli('PTTL', 'held:lease'))).toBeGreaterThan(0); // it expires unless renewed
    await holder.disconnect();
    const next = await StreamLink.open(server.url, { stream: 'held' });
    await next.disconnect();
  });
});
