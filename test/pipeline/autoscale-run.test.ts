/**
 * `runPipeline(config, { autoscale })` on real workers, with sleep-based work whose best counts
 * are known by construction, so the machine's speed does not decide the answer: a producer makes
 * an item every 2 ms (500/s at most), a stage worker takes 8 ms an item (125/s each) and a
 * consumer 3 ms (333/s each). Four stage workers and two consumers carry all the producer makes;
 * more gain nothing. The run is stopped once the autoscaler has settled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { within } from '../helpers/workers.js';
import { userModule } from './helpers.js';

afterEach(() => {
  delete process.env.PT_STAGE_MS;
});

describe('runPipeline with autoscale', () => {
  it('grows a stage and the consumers to the counts that carry the producer, and stops there', async () => {
    process.env.PT_STAGE_MS = '8';
    const seen: Snapshot[] = [];
    const run = startPipeline(
      {
        producers: 1,
        consumers: 1,
        produceMs: 2,
        consumeMs: 3,
        jitter: 0,
        durationMs: 600_000,
        stallMs: 60_000,
        stages: [{ module: userModule('slow-stage'), name: 'slow-stage', workers: 1 }],
      },
      {
        autoscale: true,
        onSnapshot: (s) => {
          seen.push(s);
          if (s.autoscale?.done) run.stop();
        },
      },
    );
    const summary = await within(run.done, 240_000, 'the autoscaled run');
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

  it('a bad max is refused before anything starts, saying what is accepted', () => {
    expect(() => startPipeline({}, { autoscale: { max: 1 } })).toThrow(
      /autoscale\.max must be an integer from 2 \(a worker per stage\) to 128, got 1/,
    );
  });
});
