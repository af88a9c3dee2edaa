/**
 * `runPipeline(config, { autoscale })` on real workers, with sleep-based work whose best counts
 * are known by construction, so the machine's speed does not decide the answer: a producer makes
 * an item every 2 ms (500/s at most), a stage worker takes 8 ms an item (125/s each) and a
 * consumer 3 ms (333/s each). Four stage workers and two consumers carry all the producer makes;
 * more gain nothing. The run is stopped once the autoscaler has settled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import { runUntilSettled, userModule } from './helpers.js';

afterEach(() => {
  delete process.env.PT_STAGE_MS;
  delete process.env.PT_FEED_MS;
});

describe('runPipeline with autoscale', () => {
  it('grows a stage and the consumers to the counts that carry the producer, and stops there', async () => {
    process.env.PT_STAGE_MS = '8';
    const { summary, seen } = await runUntilSettled({
      producers: 1,
      consumers: 1,
      produceMs: 2,
      consumeMs: 3,
      stages: [{ module: userModule('slow-stage'), name: 'slow-stage', workers: 1 }],
    });
    expect(summary.endedBy).toBe('stopped');
    const a = summary.autoscale!;
    expect(a.done).toBe(true);
    const [producers, stage, consumers] = a.workers as [number, number, number];
    expect(producers).toBe(1);
    expect(Math.abs(stage - 4)).toBeLessThanOrEqual(1);
    expect(Math.abs(consumers - 2)).toBeLessThanOrEqual(1);
    expect(a.flags).toBe(`-p 1 --stage ${userModule('slow-stage')}=${stage} -c ${consumers}`);
    // Each kept step is said, and the snapshots carried the decisions as they came.
    expect(a.decisions.filter((d) => d.text.startsWith('+1 slow-stage worker')).length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)!.autoscale!.decided).toBe(a.decisions.length);
    // The run's workers really are those counts at the end (a step that did not pay was taken back).
    const last = seen.filter((s) => s.state === 'running').at(-1)!;
    expect(last.stages.map((s) => s.running)).toEqual(a.workers);
  }, 300_000);

  it('raises the pool when it holds the consumers back, to the size that carries the feed', async () => {
    // One feed of an item every 2 ms (500/s; only the first producer reads it), eight consumers at
    // 8 ms (125/s each) behind a pool of one permit: four permits carry the feed, more gain nothing.
    process.env.PT_FEED_MS = '2';
    const { summary, seen } = await runUntilSettled({
      producers: 1,
      consumers: 8,
      pool: 1,
      producer: userModule('feed-producer'),
      consumeMs: 8,
    });
    expect(summary.endedBy).toBe('stopped');
    const a = summary.autoscale!;
    expect(a.done).toBe(true);
    expect(a.workers[1]).toBe(8);
    expect(Math.abs(a.pool! - 4)).toBeLessThanOrEqual(1);
    expect(a.flags).toBe(`-p ${a.workers[0]} -c 8 --pool ${a.pool}`);
    expect(a.decisions.filter((d) => d.text.startsWith('+1 pool permit')).length).toBeGreaterThanOrEqual(2);
    // The pool really is that size at the end, and never had more in use than its size.
    expect(summary.pool!.size).toBe(a.pool);
    for (const s of seen) expect(s.pool!.inUse).toBeLessThanOrEqual(s.pool!.size);
    expect(summary.pool!.maxInUse).toBeLessThanOrEqual(Math.max(...seen.map((s) => s.pool!.size)));
    expect(summary.pool!.maxInUse).toBeGreaterThanOrEqual(a.pool!);
    expect(summary.pool!.acquisitions).toBe(summary.consumed);
  }, 300_000);

  it('a bad max is refused before anything starts, saying what is accepted', () => {
    expect(() => startPipeline({}, { autoscale: { max: 1 } })).toThrow(
      /autoscale\.max must be an integer from 2 \(a worker per stage\) to 128, got 1/,
    );
  });
});
