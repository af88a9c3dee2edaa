/**
 * The snapshot the dashboard draws before a run starts (starting-snapshot.ts) shows the chain the
 * engine then runs: the same stages, links and workers as the engine's first sample, every worker
 * starting and nothing moved.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/pipeline/config.js';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import { startingSnapshot } from '../../src/pipeline/starting-snapshot.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { userModule } from './helpers.js';

/** The parts of a snapshot that say what the chain is, not how far it has come. */
const shape = (s: Snapshot) => ({
  stages: s.stages.map(({ name, role, workers }) => ({ name, role, workers })),
  links: s.links.map(({ capacity }) => ({ capacity })),
  workers: s.workers.map(({ id, role, stage, index }) => ({ id, role, stage, index })),
  shutdown: { mode: s.shutdown.mode, producers: s.shutdown.producers, consumers: s.shutdown.consumers },
  pool: s.pool?.size,
});

describe('startingSnapshot', () => {
  it("has the engine's chain: stages, links, workers and the shutdown to come", async () => {
    const input = {
      producers: 2,
      consumers: 3,
      capacity: 8,
      items: 50,
      pool: 2,
      stages: [{ module: userModule('double'), name: 'double', workers: 2 }],
    };
    const starting = startingSnapshot(resolveConfig(input));
    let first: Snapshot | undefined;
    const run = startPipeline(input, { onSnapshot: (s) => (first ??= s) });
    await run.done;
    expect(shape(starting)).toEqual(shape(first!));
    expect(starting.state).toBe('starting');
    expect(starting.workers.map((w) => w.state)).toEqual(Array(7).fill('starting'));
    expect(starting.stages.every((s) => s.in === 0 && s.out === 0 && s.running === s.workers)).toBe(true);
    expect(starting.totals).toEqual({ produced: 0, consumed: 0 });
    expect(starting.shutdown).toMatchObject({ producersDone: 0, sentinelsSent: 0, consumersExited: 0 });
  });

  it('shows a --broker run its stream, nothing put yet', () => {
    const broker = { address: 'redis://127.0.0.1:6379', stream: 'jobs', group: 'pipeline-tui', claimIdleMs: 30_000 };
    const s = startingSnapshot(resolveConfig({ broker }));
    expect(s.broker).toMatchObject({ ...broker, put: 0, acked: 0, duplicates: 0, remoteWorkers: 0 });
    expect(startingSnapshot(resolveConfig({})).broker).toBeUndefined();
  });
});
