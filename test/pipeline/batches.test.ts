/**
 * The built-in consumer with no work per item takes its items in batches (getMany). A batch can
 * hold sentinels — its own, and those queued behind it for other consumers — and, after a
 * removal mid-run, items put after its sentinel. Here one consumer worker runs against a queue
 * the test filled, so the batch is exactly what the test put; then whole runs check the counts.
 */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/pipeline/config.js';
import { PipelineBoard, slotOf } from '../../src/pipeline/metrics.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { PipelineWorkerData, WorkerMessage } from '../../src/pipeline/worker-main.js';
import { BoundedQueue, SENTINEL } from '../../src/queue/index.js';
import { spawnWorker } from '../../src/threads/spawn.js';
import { within } from '../helpers/workers.js';

const WORKER_MAIN = new URL('../../src/pipeline/worker-main.ts', import.meta.url);

/** Runs consumer C`index + 1` on `queue` until it exits; what it posted and counted. */
async function consumeOnce(queue: BoundedQueue<unknown>, board: PipelineBoard, index: number) {
  const slot = slotOf(1, index);
  const data: PipelineWorkerData = {
    role: 'consumer',
    stage: 1,
    index,
    slot,
    id: `C${index + 1}`,
    config: resolveConfig({ producers: 1, consumers: 1, consumeMs: 0, refreshMs: 20 }),
    input: queue.handle,
    board: board.handle,
  };
  const worker = spawnWorker(WORKER_MAIN, { workerData: data });
  const messages: WorkerMessage[] = [];
  worker.on('message', (m: WorkerMessage) => messages.push(m));
  const code = await within(
    new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', resolve);
    }),
    30_000,
    `consumer C${index + 1} exit`,
  );
  const recorded = messages
    .filter((m) => m.type === 'latency')
    .reduce((n, m) => n + hdr.decodeFromCompressedBase64(m.histogram).totalCount, 0);
  return {
    code,
    sentinels: messages.filter((m) => m.type === 'sentinel').length,
    failed: messages.filter((m) => m.type === 'failed'),
    recorded,
    items: board.items(slot),
    state: board.state(slot),
  };
}

/** Everything left in the queue, in order. */
function drain(queue: BoundedQueue<unknown>): unknown[] {
  const left: unknown[] = [];
  while (!queue.empty()) left.push(queue.getNowait());
  return left;
}

describe('the built-in consumer takes its items in batches', () => {
  it('a batch with three sentinels: it counts the items, leaves with one, puts the other two back', async () => {
    const queue = new BoundedQueue<unknown>({ capacity: 64, stampItems: true });
    const board = new PipelineBoard();
    for (let i = 0; i < 10; i++) queue.putNowait(i);
    for (let i = 0; i < 3; i++) queue.putNowait(SENTINEL);
    const first = await consumeOnce(queue, board, 0);
    expect(first).toEqual({ code: 0, sentinels: 1, failed: [], recorded: 10, items: 10, state: 'done' });
    expect(drain(queue)).toEqual([SENTINEL, SENTINEL]);
  });

  it('the sentinels put back end the other consumers, one each', async () => {
    const queue = new BoundedQueue<unknown>({ capacity: 64, stampItems: true });
    const board = new PipelineBoard();
    for (let i = 0; i < 5; i++) queue.putNowait(i);
    for (let i = 0; i < 3; i++) queue.putNowait(SENTINEL);
    const runs = [];
    for (let c = 0; c < 3; c++) runs.push(await consumeOnce(queue, board, c));
    expect(runs.map((r) => [r.code, r.sentinels, r.items, r.state])).toEqual([
      [0, 1, 5, 'done'],
      [0, 1, 0, 'done'],
      [0, 1, 0, 'done'],
    ]);
    expect(queue.qsize()).toBe(0);
  });

  it('items taken behind its sentinel (a removal mid-run) are counted once, by the one leaving', async () => {
    const queue = new BoundedQueue<unknown>({ capacity: 64, stampItems: true });
    const board = new PipelineBoard();
    for (let i = 0; i < 4; i++) queue.putNowait(i);
    queue.putNowait(SENTINEL);
    for (let i = 4; i < 7; i++) queue.putNowait(i);
    queue.putNowait(SENTINEL);
    const first = await consumeOnce(queue, board, 0);
    expect([first.sentinels, first.items, first.recorded, first.state]).toEqual([1, 7, 7, 'done']);
    expect(drain(queue)).toEqual([SENTINEL]);
  });

  it('a queue shut down and drained ends it too (close mode), with every item counted', async () => {
    const queue = new BoundedQueue<unknown>({ capacity: 64, stampItems: true });
    const board = new PipelineBoard();
    for (let i = 0; i < 20; i++) queue.putNowait(i);
    queue.shutdown();
    const first = await consumeOnce(queue, board, 0);
    expect([first.code, first.sentinels, first.items, first.recorded, first.state]).toEqual([0, 0, 20, 20, 'done']);
  });
});

describe('runs whose consumers take batches', () => {
  for (const [producers, consumers, capacity] of [
    [2, 4, 256],
    [1, 6, 16],
    [3, 2, 1024],
  ] as const) {
    it(`${producers} producers, ${consumers} consumers, capacity ${capacity}: exact counts, every consumer leaves`, async () => {
      const items = 30_000;
      const summary = await within(
        runPipeline({ producers, consumers, capacity, items, produceMs: 0, consumeMs: 0, refreshMs: 20 }),
        60_000,
        'run',
      );
      expect(summary.endedBy).toBe('completed');
      expect(summary.produced).toBe(items);
      expect(summary.consumed).toBe(items);
      const rows = summary.workers.filter((w) => w.role === 'consumer');
      expect(rows.reduce((n, w) => n + w.items, 0)).toBe(items);
      expect(summary.shutdown.sentinelsSent).toBe(consumers);
      expect(summary.shutdown.consumersExited).toBe(consumers);
      expect(summary.workers.every((w) => w.state === 'done')).toBe(true);
      expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
      expect(summary.latencyMs.p99).toBeGreaterThan(0);
    });
  }
});
