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
import { runPipeline, startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import type { WorkerMessage } from '../../src/pipeline/worker-life.js';
import type { PipelineWorkerData } from '../../src/pipeline/worker-main.js';
import { BoundedQueue, SENTINEL } from '../../src/queue/index.js';
import { spawnWorker } from '../../src/threads/spawn.js';
import { within } from '../helpers/workers.js';
import { latestWhen } from './helpers.js';

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

describe('runs whose producers and consumers move batches', () => {
  for (const [producers, consumers, capacity] of [
    [2, 4, 256],
    [1, 6, 16],
    [3, 2, 1024],
  ] as const) {
    const name = `${producers}P${consumers}C, capacity ${capacity}: exact counts, latency, every consumer leaves`;
    it(name, async () => {
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

describe('live controls with both sides in batches', () => {
  it('pause freezes every count, removals mid-run leave one worker each, a stop drains exactly', async () => {
    // Unlimited items and no work per item: the producers put whole claims and the consumers take
    // batches, at full speed, while the controls come.
    const run = startPipeline({
      producers: 2,
      consumers: 3,
      capacity: 64,
      durationMs: 60_000,
      produceMs: 0,
      consumeMs: 0,
      refreshMs: 20,
    });
    const waitFor = (pred: (s: Snapshot) => boolean, what: string) => latestWhen(run, pred, what);
    await waitFor((s) => s.totals.consumed > 10_000, 'items moving');
    run.pause();
    const paused = await waitFor(
      (s) => s.state === 'paused' && s.workers.every((w) => w.state === 'paused'),
      'every worker paused',
    );
    await new Promise((r) => setTimeout(r, 200));
    const later = run.latest()!;
    expect(later.totals).toEqual(paused.totals);
    expect(later.links[0]!.depth).toBe(paused.links[0]!.depth);
    // Paused, every item is either counted as consumed or still queued: none is held in a batch.
    expect(paused.totals.produced - paused.totals.consumed).toBe(paused.links[0]!.depth);
    run.resume();
    await waitFor((s) => s.totals.consumed > paused.totals.consumed, 'resumed');
    run.removeWorker(1);
    await waitFor((s) => s.workers.filter((w) => w.role === 'consumer' && w.state === 'done').length === 1, 'C left');
    run.removeWorker(0);
    await waitFor((s) => s.workers.filter((w) => w.role === 'producer' && w.state === 'done').length === 1, 'P left');
    const moving = run.latest()!.totals.consumed;
    await waitFor((s) => s.totals.consumed > moving, 'still moving with one producer and two consumers');
    run.stop();
    const summary = await within(run.done, 30_000, 'graceful stop');
    expect(summary.endedBy).toBe('stopped');
    expect(summary.consumed).toBe(summary.produced);
    expect(summary.workers.filter((w) => w.role === 'producer').reduce((n, w) => n + w.items, 0)).toBe(
      summary.produced,
    );
    expect(summary.workers.filter((w) => w.role === 'consumer').reduce((n, w) => n + w.items, 0)).toBe(
      summary.consumed,
    );
    expect(summary.shutdown.sentinelsSent).toBe(3); // the removed consumer's, then one for each of the other two
    expect(summary.workers.every((w) => w.state === 'done')).toBe(true);
  });
});
