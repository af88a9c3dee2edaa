/**
 * The broker: items through a real redis-server (a StreamQueue: XADD with backpressure, XREADGROUP
 * in batches, one ack script per batch) between worker threads, with 1 and 4 consumers, held
 * against the shared-memory queue's rows of the same run. Then whole pipelines (`run --broker`,
 * no work per item) against BullMQ and a lean ioredis loop on the same server
 * (broker-baselines.ts), and the scale-out of 32 and 64 consumers in three processes at 10 ms per
 * item against the ideal (broker-scale.ts). Skipped, with a note, where redis-server is not installed.
 */
import { bullmqRun, leanLoopRun } from './broker-baselines.js';
import { SCALE_CAPACITY, scaleRun, WORK_MS } from './broker-scale.js';
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
  const items = quick ? 4_000 : 20_000;
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
        name: `Redis Stream 1P${consumers}C (put batches of 64 / take up to 100 / one ack per batch), capacity 1024`,
        value: rate,
        unit: 'items/s',
        verified: results.every((r) => r.verified),
        note:
          shared === undefined ? 'shared-memory row not run' : `${(rate / shared).toFixed(4)}× ${sharedRow.slice(13)}`,
      });
    }
    // Whole runs (`run --broker`, headless, no per-item work) against BullMQ and the lean loop.
    const baselines = { bullmq: [] as number[], lean: [] as number[] };
    let baselinesVerified = true;
    for (let i = 0; i < runs; i++) {
      const bull = await bullmqRun(redis.url, items);
      const lean = await leanLoopRun(redis.url, items);
      baselines.bullmq.push(bull.rate);
      baselines.lean.push(lean.rate);
      baselinesVerified &&= bull.verified && lean.verified;
    }
    const bullmq = median(baselines.bullmq);
    const lean = median(baselines.lean);
    rows.push(
      {
        group: 'baseline',
        name: 'BullMQ: addBulk of 1000, one Worker at concurrency 64, no-op jobs',
        value: bullmq,
        unit: 'items/s',
        verified: baselinesVerified,
      },
      {
        group: 'baseline',
        name: 'lean ioredis loop: XADD pipelined, 4 consumers, XREADGROUP COUNT 100, one XACK per batch',
        value: lean,
        unit: 'items/s',
        verified: baselinesVerified,
      },
    );
    for (const consumers of [1, 4]) {
      const onStream = [];
      const inMemory = [];
      for (let i = 0; i < runs; i++) {
        onStream.push(await pipelineRun(redis.url, `bench-${++streams}`, consumers, items));
        // A hundred times the items: the shared-memory run must last several refreshes to be timed.
        inMemory.push(await pipelineRun(undefined, '', consumers, (items / 4) * 100));
      }
      const [rate, shared] = [median(onStream.map((r) => r.rate)), median(inMemory.map((r) => r.rate))];
      const shape = `1P${consumers}C, capacity 1024, no per-item work, headless`;
      const name = `pipeline on a Redis Stream (run --broker) ${shape}`;
      rows.push(
        {
          group: 'broker',
          name,
          value: rate,
          unit: 'items/s',
          verified: onStream.every((r) => r.verified) && inMemory.every((r) => r.verified),
          note: [
            `${(rate / bullmq).toFixed(2)}× BullMQ`,
            `${(rate / lean).toFixed(2)}× lean loop`,
            `${(rate / shared).toFixed(4)}× shared memory`,
          ].join(', '),
          goal: { text: '≥ 2× BullMQ', target: 2, better: 'higher', of: bullmq },
        },
        {
          group: 'goal',
          name: `run --broker 1P${consumers}C ÷ lean ioredis loop`,
          value: rate / lean,
          unit: '×',
          goal: { text: '≥ 0.5×', target: 0.5, better: 'higher' },
        },
      );
    }
    // Scale-out: 32 and 64 consumers in three processes (the run's own and two `worker` processes).
    const scaled: Record<number, number> = {};
    for (const consumers of [32, 64]) {
      const results = [];
      const scaleItems = (quick ? 3 : 10) * consumers * (1000 / WORK_MS); // seconds at the ideal rate
      for (let i = 0; i < (quick ? 1 : 2); i++)
        results.push(await scaleRun(redis.url, `bench-${++streams}`, consumers, scaleItems));
      const rate = median(results.map((r) => r.rate));
      scaled[consumers] = rate;
      const ideal = consumers * (1000 / WORK_MS);
      rows.push({
        group: 'broker',
        name: `run --broker + 2 worker processes, ${consumers} consumers, ${WORK_MS} ms sleep per item, capacity ${
          SCALE_CAPACITY
        }`,
        value: rate,
        unit: 'items/s',
        verified: results.every((r) => r.verified),
        note:
          `${(rate / ideal).toFixed(2)}× the ideal ${ideal}/s` +
          (consumers === 64 ? `, ${(rate / scaled[32]!).toFixed(2)}× 32 consumers` : ''),
        goal:
          consumers === 32
            ? { text: '≥ 0.8× ideal', target: 0.8, better: 'higher', of: ideal }
            : { text: '≥ 1× 32 consumers', target: 1, better: 'higher', of: scaled[32]! },
      });
    }
  } finally {
    await redis.stop();
  }
  return rows;
}
