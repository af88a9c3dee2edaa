/**
 * The broker: items through a real redis-server (a StreamQueue: XADD with backpressure, XREADGROUP,
 * XACK) between worker threads, with 1 and 4 consumers, held against the shared-memory queue's
 * rows of the same run. Every entry is a round trip to the server and back, so the broker is for
 * work that crosses processes or machines, not for speed; these rows say by how much. Skipped,
 * with a note, where redis-server is not installed. Then the same for whole pipelines: `run --broker`
 * against the same run in shared memory.
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

/** The whole pipeline (startPipeline, headless) 1P`consumers`C, no per-item work, on a stream or in shared memory. */
async function pipelineRun(url: string | undefined, stream: string, consumers: number, items: number) {
  const { startPipeline } = await import('../dist/pipeline/run-pipeline.js');
  const { StreamLink } = await import('../dist/broker/stream-link.js');
  const broker = url === undefined ? undefined : await StreamLink.open(url, { stream });
  const config = { producers: 1, consumers, items, capacity: 1024, produceMs: 0, consumeMs: 0, jitter: 0 };
  // Timed from the first item consumed, so the workers' start-up (and the broker's announcement) is left out.
  let first: { t: number; consumed: number } | undefined;
  const onSnapshot = (s: { t: number; totals: { consumed: number } }): void => {
    if (first === undefined && s.totals.consumed > 0) first = { t: s.t, consumed: s.totals.consumed };
  };
  const summary = await startPipeline({ ...config, refreshMs: 50 }, { onSnapshot, ...(broker ? { broker } : {}) }).done;
  const from = first ?? { t: 0, consumed: 0 };
  const rate = ((summary.consumed - from.consumed) * 1000) / Math.max(1, summary.durationMs - from.t);
  const verified =
    summary.endedBy === 'completed' &&
    summary.produced === items &&
    summary.consumed === items &&
    (summary.broker?.duplicates ?? 0) === 0;
  return { rate, verified };
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
    // The same for whole runs: what `pipeline-tui run --broker` moves, held against the shared-memory run.
    const pipelineItems = quick ? 1_000 : 5_000;
    for (const consumers of [1, 4]) {
      const onStream = [];
      const inMemory = [];
      for (let i = 0; i < runs; i++) {
        onStream.push(await pipelineRun(redis.url, `bench-${++streams}`, consumers, pipelineItems));
        // A hundred times the items: the shared-memory run must last several refreshes to be timed.
        inMemory.push(await pipelineRun(undefined, '', consumers, pipelineItems * 100));
      }
      const [rate, shared] = [median(onStream.map((r) => r.rate)), median(inMemory.map((r) => r.rate))];
      const shape = `1P${consumers}C, capacity 1024, no per-item work, headless`;
      rows.push({
        group: 'broker',
        name: `pipeline on a Redis Stream (run --broker) ${shape}`,
        value: rate,
        unit: 'items/s',
        verified: onStream.every((r) => r.verified) && inMemory.every((r) => r.verified),
        note: `${(rate / shared).toFixed(4)}× the same pipeline in shared memory (${Math.round(shared)} items/s)`,
      });
    }
  } finally {
    await redis.stop();
  }
  return rows;
}
