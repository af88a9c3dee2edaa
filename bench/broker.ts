/**
 * The broker: items through a real redis-server (a StreamQueue: XADD with backpressure, XREADGROUP,
 * XACK) between worker threads, with 1 and 4 consumers, held against the shared-memory queue's
 * rows of the same run. Every entry is a round trip to the server and back, so the broker is for
 * work that crosses processes or machines, not for speed; these rows say by how much. Skipped,
 * with a note, where redis-server is not installed.
 */
import { runWorkers } from './run-workers.js';
import { median, type Row } from './table.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

interface ConsumerResult {
  seen: Uint8Array;
  duplicates: number;
  end: number;
}

/** One run: 1 producer (batches of 64) → `consumers` consumers; items/s and whether each arrived once. */
async function oneRun(url: string, stream: string, consumers: number, items: number) {
  const capacity = 1024;
  const { parseBrokerUrl } = await import('../dist/broker/broker-url.js');
  const { StreamQueue } = await import('../dist/broker/stream-queue.js');
  const { Barrier } = await import('../dist/index.js');
  const main = await StreamQueue.open(parseBrokerUrl(url), { stream, capacity });
  const start = new Barrier(consumers + 1).handle;
  const consuming = runWorkers<ConsumerResult>(worker('stream-consumer'), consumers, (i) => ({
    url,
    stream,
    capacity,
    consumer: `C${i + 1}`,
    total: items,
    start,
  }));
  const [producer] = await runWorkers<{ start: number }>(worker('stream-producer'), 1, () => ({
    ...{ url, stream, capacity, start },
    ...{ from: 0, to: items, batch: 64 },
  }));
  await main.drained();
  await main.putSentinels(consumers);
  const results = await consuming;
  await main.close();
  const end = Math.max(...results.map((r) => r.end));
  const verified =
    results.every((r) => r.duplicates === 0) &&
    Array.from({ length: items }, (_, n) => results.reduce((sum, r) => sum + r.seen[n]!, 0)).every((c) => c === 1);
  return { rate: (items / (end - producer!.start)) * 1000, verified };
}

export async function brokerBenchmarks(quick: boolean, measured: readonly Row[]): Promise<Row[]> {
  const server = await import('../test/helpers/redis-server.js');
  if (!server.HAS_REDIS)
    return [{ group: 'broker', name: 'broker rows: skipped (redis-server is not installed)', value: NaN, unit: '' }];
  const redis = await server.startRedisServer();
  const items = quick ? 3_000 : 20_000;
  const runs = quick ? 1 : 3;
  const rows: Row[] = [];
  try {
    let streams = 0;
    for (const [consumers, sharedRow] of [
      [1, 'BoundedQueue 1P1C, numbers'],
      [4, 'BoundedQueue 4P4C, numbers'],
    ] as const) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await oneRun(redis.url, `bench-${++streams}`, consumers, items));
      const rate = median(results.map((r) => r.rate));
      const shared = measured.find((r) => r.name.startsWith(sharedRow))?.value;
      rows.push({
        group: 'broker',
        name: `Redis Stream 1P${consumers}C (XADD batches of 64 / XREADGROUP / XACK each), capacity 1024`,
        value: rate,
        unit: 'items/s',
        verified: results.every((r) => r.verified),
        note:
          shared === undefined ? 'shared-memory row not run' : `${(rate / shared).toFixed(4)}× ${sharedRow.slice(13)}`,
      });
    }
  } finally {
    await redis.stop();
  }
  return rows;
}
