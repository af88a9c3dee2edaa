/**
 * Runs with stages (issue 13), on real workers: every item through three stages exactly once, the
 * sentinel cascade link by link, a failing middle stage, and the live controls on a stage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline, startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { PipelineConfig, ShutdownMode, Snapshot, StageConfig } from '../../src/pipeline/types.js';
import { sleep, until } from '../helpers/poll.js';
import { within } from '../helpers/workers.js';
import { outDir, seenItems, userModule } from './helpers.js';

const stage = (name: string, workers: number): StageConfig => ({ module: userModule(name), name, workers });

/** Three stages: a filter (drops n % 3 === 0), an async transform (adds `twice`), one naming its worker. */
const THREE_STAGES = [stage('drop-thirds', 2), stage('double', 3), stage('stamp', 2)];

afterEach(() => {
  delete process.env.PT_OUT;
  delete process.env.PT_ITEMS_PER_PRODUCER;
  delete process.env.PT_STAGE_FAIL_AT;
});

/** A run of the user producer and recording consumer through `stages`; its Summary and snapshots. */
async function runThrough(config: Partial<PipelineConfig>, perProducer: number) {
  const dir = outDir();
  process.env.PT_OUT = dir;
  process.env.PT_ITEMS_PER_PRODUCER = String(perProducer);
  const snapshots: Snapshot[] = [];
  const summary = await within(
    runPipeline(
      {
        producer: userModule('producer'),
        consumer: userModule('consumer'),
        capacity: 4,
        refreshMs: 16,
        stallMs: 60_000,
        ...config,
      },
      { onSnapshot: (s) => void snapshots.push(s) },
    ),
    90_000,
    'pipeline run',
  );
  return { summary, snapshots, seen: seenItems(dir) };
}

describe('a chain of stages', () => {
  const shapes: Array<[number, number, ShutdownMode]> = [
    [3, 2, 'sentinel'],
    [1, 4, 'sentinel'],
    [2, 3, 'close'],
  ];
  for (const [producers, consumers, shutdown] of shapes) {
    it(`each item through three stages once: ${producers} producers, ${consumers} consumers, ${shutdown}`, async () => {
      const perProducer = 300;
      const { summary, snapshots, seen } = await runThrough(
        { producers, consumers, shutdown, stages: THREE_STAGES },
        perProducer,
      );
      expect(summary.endedBy).toBe('completed');
      const all = [...seen.values()].flat() as Array<{ from: string; n: number; twice: number; by: string }>;
      const keys = new Set(all.map((i) => `${i.from}:${i.n}`));
      expect(keys.size).toBe(all.length); // nothing twice
      const kept = (n: number): boolean => n % 3 !== 0;
      const expected: string[] = [];
      for (let p = 1; p <= producers; p++)
        for (let n = 0; n < perProducer; n++) if (kept(n)) expected.push(`P${p}:${n}`);
      expect([...keys].sort()).toEqual(expected.sort()); // everything kept, nothing dropped arrives
      for (const item of all) {
        expect(item.twice).toBe(item.n * 2); // through `double`
        expect(item.by).toMatch(/^S3\.[12]$/); // through `stamp`, stage 3 of the chain
      }

      // The Summary counts each stage exactly: what went in, came out, and was dropped.
      const made = producers * perProducer;
      const dropped = producers * Math.ceil(perProducer / 3);
      expect(summary.produced).toBe(made);
      expect(summary.consumed).toBe(all.length);
      expect(summary.stages).toEqual([
        { name: 'producers', workers: producers, in: 0, out: made, dropped: 0 },
        { name: 'drop-thirds', workers: 2, in: made, out: made - dropped, dropped },
        { name: 'double', workers: 3, in: made - dropped, out: made - dropped, dropped: 0 },
        { name: 'stamp', workers: 2, in: made - dropped, out: made - dropped, dropped: 0 },
        { name: 'consumers', workers: consumers, in: made - dropped, out: 0, dropped: 0 },
      ]);
      expect(summary.links).toHaveLength(4);
      for (const [id, items] of seen) expect(summary.workers.find((w) => w.id === id)?.items).toBe(items.length);
      expect(summary.workers.every((w) => w.state === 'done')).toBe(true);

      // Each link told exactly its downstream workers to leave, and drained.
      const last = snapshots.at(-1)!;
      const downstream = [2, 3, 2, consumers];
      for (const [i, link] of last.links.entries()) {
        expect(link.depth).toBe(0);
        expect(link.sentinelsSent).toBe(shutdown === 'sentinel' ? downstream[i] : 0);
        expect(link.closed).toBe(shutdown === 'close');
      }
      expect(summary.shutdown.sentinelsSent).toBe(shutdown === 'sentinel' ? consumers : 0);
      expect(summary.shutdown.consumersExited).toBe(consumers);
    });
  }

  for (const shutdown of ['sentinel', 'close'] as const) {
    it(`the ${shutdown} cascade reaches a link only once every worker upstream of it has exited`, async () => {
      const { summary, snapshots } = await runThrough(
        { producers: 2, consumers: 2, shutdown, stages: [stage('stamp', 1), stage('double', 2)] },
        200,
      );
      expect(summary.endedBy).toBe('completed');
      // In every snapshot: a link that has sentinels, or is shut down, has no upstream worker running.
      for (const s of snapshots) {
        for (const [i, link] of s.links.entries()) {
          if (link.sentinelsSent > 0 || link.closed) expect(s.stages[i]!.running, `link ${i} at ${s.t} ms`).toBe(0);
        }
      }
      // And the cascade went in order: no link ended before the one before it.
      for (const s of snapshots) {
        const ended = s.links.map((l) => l.sentinelsSent > 0 || l.closed);
        expect(ended).toEqual([...ended].sort().reverse()); // trues first, then falses
      }
    });
  }

  it('a failing middle stage: the run fails with its message, producers stop, downstream drains', async () => {
    process.env.PT_STAGE_FAIL_AT = '40';
    const { summary, snapshots } = await runThrough(
      {
        producers: 2,
        consumers: 2,
        stages: [stage('double', 2), stage('stamp', 2), stage('drop-thirds', 2)],
      },
      2000,
    );
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/^S2\.\d failed: stage S2\.\d cannot handle item P\d:40$/);
    const failed = summary.workers.filter((w) => w.state === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.every((w) => w.stage === 2)).toBe(true);
    expect(summary.workers.filter((w) => w.state !== 'failed').every((w) => w.state === 'done')).toBe(true);
    // The producers stopped early; everything the failed stage passed on reached the consumers.
    expect(summary.produced).toBeLessThan(4000);
    const [, , stamp, drop, consumers] = summary.stages;
    expect(drop!.in).toBe(stamp!.out);
    expect(consumers!.in).toBe(drop!.out);
    const last = snapshots.at(-1)!;
    expect(last.links[2]!.depth).toBe(0);
    expect(last.links[3]!.depth).toBe(0);
    expect(last.links.every((l) => l.closed)).toBe(true);
  });
});

describe('live controls on a stage', () => {
  it('a stage worker is added, and removed with a sentinel on its input link; pause holds every stage', async () => {
    const run = startPipeline({
      producers: 1,
      consumers: 1,
      durationMs: 60_000,
      produceMs: 1,
      consumeMs: 0,
      refreshMs: 20,
      stages: [stage('double', 1)],
    });
    const latest = (): Snapshot | undefined => run.latest();
    const rowsOf = (s: Snapshot | undefined, stageIndex: number) =>
      s?.workers.filter((w) => w.stage === stageIndex) ?? [];
    await until(() => (latest()?.stages[1]?.in ?? 0) > 5, 'first items through the stage');
    run.addWorker(1);
    await until(() => rowsOf(latest(), 1).some((w) => w.id === 'S1.2' && w.items > 0), 'S1.2 handling items');
    expect(latest()!.stages[1]!.workers).toBe(2);
    run.removeWorker(1);
    await until(() => rowsOf(latest(), 1).filter((w) => w.state === 'done').length === 1, 'a stage worker left');
    expect(latest()!.links[0]!.sentinelsSent).toBe(1);
    expect(latest()!.stages[1]!.running).toBe(1);
    run.removeWorker(1); // the last one stays
    run.pause();
    await until(() => latest()!.workers.every((w) => w.state === 'paused' || w.state === 'done'), 'all paused');
    const paused = latest()!;
    await sleep(200);
    // Nothing moves while paused, in any stage.
    expect(latest()!.stages.map((st) => [st.in, st.out])).toEqual(paused.stages.map((st) => [st.in, st.out]));
    run.resume();
    await until(() => latest()!.stages[2]!.in > paused.stages[2]!.in, 'moving again');
    run.stop();
    const summary = await within(run.done, 30_000, 'graceful stop');
    expect(summary.endedBy).toBe('stopped');
    expect(summary.stages[1]!.workers).toBe(2);
    expect(summary.stages[1]!.in).toBe(summary.produced);
    expect(summary.consumed).toBe(summary.produced);
    expect(run.latest()!.links.map((l) => l.sentinelsSent)).toEqual([2, 1]); // the removed one, then the cascade
  });
});
