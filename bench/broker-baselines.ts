/**
 * What the broker's rows are held against, on the same redis-server in the same run:
 * - BullMQ: the items added in bulk (addBulk of 1000), one Worker at concurrency 64 running no-op
 *   jobs, timed from the first add to the last job completed;
 * - a lean ioredis loop on a stream: XADD in pipelines of 100, 4 consumers each reading
 *   XREADGROUP COUNT 100 and acknowledging each batch with one XACK (no backpressure, no claims,
 *   no counts), timed the same way.
 * Both check that each item arrived exactly once.
 */

export interface BaselineResult {
  rate: number;
  verified: boolean;
}

const ADD_BULK = 1000;
const LEAN_BATCH = 100;
const LEAN_CONSUMERS = 4;

export async function bullmqRun(url: string, items: number): Promise<BaselineResult> {
  const { Queue, Worker } = await import('bullmq');
  const { hostname, port } = new URL(url);
  const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const name = `bench-bullmq-${process.pid}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const seen = new Uint8Array(items);
  let completed = 0;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker(
    name,
    async (job) => {
      seen[(job.data as { n: number }).n]!++;
    },
    { connection, concurrency: 64 },
  );
  worker.on('completed', () => ++completed === items && allDone());
  await worker.waitUntilReady();
  const started = performance.now();
  for (let n = 0; n < items; n += ADD_BULK) {
    const chunk = Array.from({ length: Math.min(ADD_BULK, items - n) }, (_, i) => ({
      name: 'n',
      data: { n: n + i },
      opts: { removeOnComplete: true },
    }));
    await queue.addBulk(chunk);
  }
  await done;
  const rate = (items / (performance.now() - started)) * 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { rate, verified: seen.every((c) => c === 1) };
}

export async function leanLoopRun(url: string, items: number): Promise<BaselineResult> {
  const { Redis } = await import('ioredis');
  const stream = `bench-lean-${process.pid}-${Date.now()}`;
  const producer = new Redis(url);
  await producer.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
  const seen = new Uint8Array(items);
  let consumed = 0;
  const consume = async (name: string): Promise<void> => {
    const redis = new Redis(url);
    while (consumed < items) {
      const reply = (await redis.xreadgroup(
        'GROUP',
        'g',
        name,
        'COUNT',
        LEAN_BATCH,
        'BLOCK',
        100,
        'STREAMS',
        stream,
        '>',
      )) as Array<[string, Array<[string, string[]]>]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (const [, fields] of entries) seen[Number(fields[1])]!++;
      consumed += entries.length;
      await redis.xack(stream, 'g', ...entries.map(([id]) => id));
    }
    redis.disconnect();
  };
  const started = performance.now();
  const consumers = Promise.all(Array.from({ length: LEAN_CONSUMERS }, (_, i) => consume(`c${i}`)));
  for (let n = 0; n < items; n += LEAN_BATCH) {
    const pipeline = producer.pipeline();
    for (let i = n; i < Math.min(items, n + LEAN_BATCH); i++) pipeline.xadd(stream, '*', 'n', i);
    await pipeline.exec();
  }
  await consumers;
  const rate = (items / (performance.now() - started)) * 1000;
  await producer.del(stream);
  producer.disconnect();
  return { rate, verified: seen.every((c) => c === 1) };
}
