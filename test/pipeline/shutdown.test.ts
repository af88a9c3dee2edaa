import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import type { ShutdownMode } from '../../src/pipeline/types.js';
import { within } from '../helpers/workers.js';
import { outDir, seenItems, userModule } from './helpers.js';

afterEach(() => {
  delete process.env.PT_OUT;
  delete process.env.PT_ITEMS_PER_PRODUCER;
});

describe('shutdown delivers every item exactly once', () => {
  const shapes: Array<[number, number, ShutdownMode]> = [
    [1, 1, 'sentinel'],
    [1, 4, 'sentinel'],
    [3, 2, 'sentinel'],
    [4, 4, 'sentinel'],
    [1, 1, 'close'],
    [2, 3, 'close'],
    [4, 4, 'close'],
  ];
  for (const [producers, consumers, shutdown] of shapes) {
    it(`${producers} producers, ${consumers} consumers, shutdown ${shutdown}`, async () => {
      const dir = outDir();
      const perProducer = 300;
      process.env.PT_OUT = dir;
      process.env.PT_ITEMS_PER_PRODUCER = String(perProducer);
      const summary = await within(
        runPipeline({
          producers,
          consumers,
          capacity: 4,
          shutdown,
          producer: userModule('producer'),
          consumer: userModule('consumer'),
          refreshMs: 50,
        }),
        60_000,
        'pipeline run',
      );
      expect(summary.endedBy).toBe('completed');
      const seen = seenItems(dir);
      const all = [...seen.values()].flat();
      // Exactly once: every (producer, n) appears once, nothing else appears.
      const keys = new Set(all.map((i) => `${i.from}:${i.n}`));
      expect(keys.size).toBe(all.length);
      expect(all.length).toBe(producers * perProducer);
      for (let p = 1; p <= producers; p++)
        for (let n = 0; n < perProducer; n++) expect(keys.has(`P${p}:${n}`)).toBe(true);
      // Per consumer, each producer's items arrive in order (FIFO queue).
      for (const items of seen.values()) {
        const last = new Map<string, number>();
        for (const i of items) {
          expect(i.n).toBeGreaterThan(last.get(i.from) ?? -1);
          last.set(i.from, i.n);
        }
      }
      // The Summary tells the truth about what consumers saw.
      expect(summary.produced).toBe(producers * perProducer);
      expect(summary.consumed).toBe(all.length);
      for (const [id, items] of seen) expect(summary.workers.find((w) => w.id === id)?.items).toBe(items.length);
      expect(summary.shutdown.consumersExited).toBe(consumers);
      expect(summary.shutdown.sentinelsSent).toBe(shutdown === 'sentinel' ? consumers : 0);
      expect(summary.workers.every((w) => w.state === 'done')).toBe(true);
    });
  }

  it('the built-in workload produces and consumes exactly --items', async () => {
    const summary = await within(
      runPipeline({ producers: 3, consumers: 2, capacity: 8, items: 2000, produceMs: 0, consumeMs: 0, refreshMs: 50 }),
      60_000,
      'run',
    );
    expect(summary.endedBy).toBe('completed');
    expect(summary.produced).toBe(2000);
    expect(summary.consumed).toBe(2000);
    expect(summary.itemsPerSecond).toBeGreaterThan(0);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
  });
});
