/**
 * StreamQueue on a real redis-server: exact counts with several producers and consumers in worker
 * threads, backpressure on the entries waiting to be read, sentinels, a consumer process killed mid-run
 * whose pending entries the others claim (nothing lost), and the items that cross.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { StreamQueue } from '../../src/broker/stream-queue.js';
import { SENTINEL } from '../../src/queue/sentinel.js';
import { ensureBuilt } from '../helpers/dist.js';
import { sleep, until } from '../helpers/poll.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { userEnv } from '../helpers/user-env.js';
import { DEADLINE_MS, startFixture, within } from '../helpers/workers.js';

interface ConsumerResult {
  acked: string[];
  duplicates: string[];
  stats: { claimed: number; requeued: number };
}

let server: RedisServer;
let streams = 0;
const nextStream = (): string => `test-${++streams}`;

describe.skipIf(!HAS_REDIS)('StreamQueue on redis-server', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const open = (stream: string, capacity: number, consumer?: string) =>
    StreamQueue.open(parseBrokerUrl(server.url), { stream, capacity, consumer });

  it('moves every item exactly once with 3 producers and 3 consumers, never more than capacity waiting', async () => {
    const stream = nextStream();
    const capacity = 64;
    const perProducer = 1500;
    const main = await open(stream, capacity);
    const consumers = [1, 2, 3].map((i) =>
      startFixture<ConsumerResult>('broker-consumer', { url: server.url, stream, capacity, consumer: `C${i}` }),
    );
    // Producer 1 puts one item at a time, the others in batches: both paths share one budget.
    const producers = [1, 2, 3].map((p) =>
      startFixture<number>('broker-producer', { url: server.url, stream, capacity, p, count: perProducer, batch: p }),
    );
    let maxWaiting = 0;
    let producing = true;
    const sampling = (async () => {
      while (producing) {
        maxWaiting = Math.max(maxWaiting, await main.waiting());
        await sleep(2);
      }
    })();
    const put = await Promise.all(producers.map((p) => p.result));
    producing = false;
    await sampling;
    expect(put).toEqual([perProducer, perProducer, perProducer]);
    await within(main.drained(), DEADLINE_MS, 'the stream to drain');
    await main.putSentinels(3);
    const results = await Promise.all(consumers.map((c) => c.result));

    const acked = results.flatMap((r) => r.acked);
    expect(acked.length).toBe(3 * perProducer);
    expect(new Set(acked).size).toBe(3 * perProducer);
    for (let p = 1; p <= 3; p++) for (let n = 0; n < perProducer; n++) expect(acked).toContain(`${p}:${n}`);
    // A duplicate is a real item delivered a second time, never a phantom.
    for (const key of results.flatMap((r) => r.duplicates)) expect(acked).toContain(key);
    expect(maxWaiting).toBeLessThanOrEqual(capacity);
    expect(server.cli('XLEN', stream).trim()).toBe('0');
    expect(server.cli('XPENDING', stream, 'pipeline-tui').split('\n')[0]).toBe('0');
    await main.close();
  });

  it('makes a producer wait while capacity entries wait to be read, and wakes it when one is read', async () => {
    const stream = nextStream();
    const producer = await open(stream, 3);
    const consumer = await StreamQueue.open(parseBrokerUrl(server.url), {
      stream,
      capacity: 3,
      consumer: 'C1',
      batch: 1,
    });
    await producer.putMany([1, 2, 3]);
    let fourthDone = false;
    const fourth = producer.put(4).then(() => (fourthDone = true));
    await sleep(200);
    expect(fourthDone).toBe(false);
    expect(await producer.waiting()).toBe(3);
    // Reading an entry makes room (it is being worked on, no longer waiting): the put goes in.
    const first = (await consumer.get())!;
    await within(fourth, DEADLINE_MS, 'the waiting put');
    expect(await producer.waiting()).toBe(3);
    expect(await producer.depth()).toBe(4); // the first is read, not yet acknowledged
    expect(await consumer.ack(first)).toBe('acked');
    const rest: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const entry = (await consumer.get())!;
      rest.push(entry.item);
      await consumer.ack(entry);
    }
    expect([first.item, ...rest]).toEqual([1, 2, 3, 4]);
    expect(producer.stats().putWaitMs).toBeGreaterThan(0);
    await Promise.all([producer.close(), consumer.close()]);
  });

  it('stops a put that waits for room when its signal aborts', async () => {
    const stream = nextStream();
    const producer = await open(stream, 1);
    await producer.put('only');
    const controller = new AbortController();
    const waiting = producer.put('more', { signal: controller.signal });
    controller.abort(new Error('run stopped'));
    await expect(waiting).rejects.toThrow('run stopped');
    expect(await producer.depth()).toBe(1);
    await producer.close();
  });

  it('carries numbers, strings, plain data, structured-clone values and the sentinel unchanged', async () => {
    const stream = nextStream();
    const queue = await open(stream, 100, 'C1');
    const items = [0, -0, 1.5, Number.NaN, -Infinity, '', 'héllo ✓', undefined, null, true, { a: [1, 'x'] }];
    const structured = [new Map([[1, 'one']]), 10n, new Date(0), 'lone \ud800 surrogate'];
    await queue.putMany([...items, ...structured]);
    await queue.putSentinels(1);
    const got: unknown[] = [];
    for (;;) {
      const entry = (await queue.get({ timeoutMs: DEADLINE_MS }))!;
      await queue.ack(entry);
      if (entry.item === SENTINEL) break;
      got.push(entry.item);
    }
    expect(got).toEqual([...items, ...structured]);
    expect(Object.is(got[1], -0)).toBe(true);
    await expect(queue.put(() => 1)).rejects.toThrow();
    await queue.close();
  });

  it('gives back what a consumer had read past its sentinel, so another consumer gets it', async () => {
    const stream = nextStream();
    const a = await open(stream, 100, 'A');
    const b = await open(stream, 100, 'B');
    await a.putSentinels(1);
    await a.putMany(['x', 'y']);
    await a.putSentinels(1);
    const first = (await a.get())!; // reads the whole batch: sentinel, x, y, sentinel
    expect(first.item).toBe(SENTINEL);
    await a.ack(first);
    expect(a.stats().requeued).toBe(3);
    const seen: unknown[] = [];
    for (;;) {
      const entry = (await b.get({ timeoutMs: DEADLINE_MS }))!;
      await b.ack(entry);
      if (entry.item === SENTINEL) break;
      seen.push(entry.item);
    }
    expect(seen).toEqual(['x', 'y']);
    expect(await a.depth()).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('drops from its batch what another consumer claimed while it was busy, and waits for more', async () => {
    const stream = nextStream();
    const claimIdleMs = 200;
    const opts = (consumer: string) => ({ stream, capacity: 100, consumer, claimIdleMs });
    const slow = await StreamQueue.open(parseBrokerUrl(server.url), opts('slow'));
    const other = await StreamQueue.open(parseBrokerUrl(server.url), opts('other'));
    await slow.putMany(['a', 'b', 'c']);
    const first = (await slow.get())!; // reads the whole batch: a, b, c
    expect(first.item).toBe('a');
    await sleep(claimIdleMs * 2); // busy with a for longer than claimIdleMs: a, b and c all look idle
    const claimed = [];
    for (let i = 0; i < 3; i++) claimed.push((await other.get({ timeoutMs: DEADLINE_MS }))!);
    expect(claimed.map((e) => [e.item, e.claimed])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
    expect(await slow.ack(first)).toBe('acked'); // a was handled twice: the first ack counts it
    expect(await Promise.all(claimed.map((e) => other.ack(e)))).toEqual(['duplicate', 'acked', 'acked']);
    // b and c, still in its batch, were the other's: it drops them and, with nothing left, times out.
    expect(await slow.get({ timeoutMs: 300 })).toBeUndefined();
    expect(await slow.depth()).toBe(0);
    await Promise.all([slow.close(), other.close()]);
  });

  describe('a consumer process killed mid-run', () => {
    beforeAll(() => ensureBuilt(), 120_000);

    it('leaves its pending entries to the others, who claim them: nothing is lost', async () => {
      const stream = nextStream();
      const total = 400;
      const main = await open(stream, 1000);
      await main.putMany(Array.from({ length: total }, (_, n) => ({ p: 1, n })));

      const doomed = startDoomedConsumer(server.url, stream);
      await until(() => doomed.stdout.includes('holding\n'), 'the doomed consumer to hold its batch', DEADLINE_MS);
      doomed.child.kill('SIGKILL');
      await within(doomed.exited, DEADLINE_MS, 'the killed consumer to exit');
      const doomedAcked = doomed.stdout.match(/^acked \S+$/gm)!.map((l) => l.slice('acked '.length));
      expect(doomedAcked.length).toBe(5);
      const orphaned = Number(server.cli('XPENDING', stream, 'pipeline-tui').split('\n')[0]);
      expect(orphaned).toBeGreaterThan(0); // its batch, read and never acknowledged

      const claimIdleMs = 300;
      const live = ['C1', 'C2'].map((consumer) =>
        startFixture<ConsumerResult>('broker-consumer', {
          url: server.url,
          stream,
          capacity: 1000,
          consumer,
          claimIdleMs,
        }),
      );
      await within(main.drained(), DEADLINE_MS, 'the stream to drain');
      await main.putSentinels(2);
      const results = await Promise.all(live.map((c) => c.result));

      const acked = [...doomedAcked, ...results.flatMap((r) => r.acked)];
      expect(acked.length).toBe(total);
      expect(new Set(acked).size).toBe(total);
      expect(results.reduce((sum, r) => sum + r.stats.claimed, 0)).toBeGreaterThanOrEqual(orphaned);
      expect(server.cli('XLEN', stream).trim()).toBe('0');
      await main.close();
    });
  });
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A consumer in its own `node` process (the built package): acknowledges 5 items, printing each,
 * then reads a batch, prints "holding" and never acknowledges it — until it is killed.
 */
function startDoomedConsumer(url: string, stream: string) {
  const dist = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);
  const file = join(scratchDir('broker-doomed'), 'doomed.mjs');
  writeFileSync(
    file,
    `import { parseBrokerUrl } from ${dist('broker/broker-url.js')};
import { StreamQueue } from ${dist('broker/stream-queue.js')};
const queue = await StreamQueue.open(parseBrokerUrl(process.argv[2]), {
  stream: process.argv[3], capacity: 1000, consumer: 'doomed', batch: 16,
});
for (let i = 0; i < 5; i++) {
  const entry = await queue.get();
  await queue.ack(entry);
  console.log(\`acked \${entry.item.p}:\${entry.item.n}\`);
}
await queue.get();
console.log('holding');
setInterval(() => {}, 1000);
`,
  );
  const child = spawn(process.execPath, [file, url, stream], { env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { child, stdout: '', exited: new Promise((r) => child.once('exit', r)) };
  child.stdout.on('data', (d: Buffer) => (state.stdout += d));
  return state;
}
