import { describe, expect, it } from 'vitest';
import { runPipeline, startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { spawnWorker } from '../../src/threads/spawn.js';
import { fixtureUrl, within } from '../helpers/workers.js';
import { latestWhen, userModule } from './helpers.js';

/** Collects snapshots until `until` returns true for one (or the run ends). */
function collect(snapshots: Snapshot[]) {
  return (s: Snapshot): void => {
    snapshots.push(s);
  };
}

describe('what the snapshots show', () => {
  it('a slow consumer fills the queue and blocks producers on full', async () => {
    const snapshots: Snapshot[] = [];
    const summary = await within(
      runPipeline(
        { producers: 3, consumers: 1, capacity: 5, items: 150, produceMs: 0, consumeMs: 5, jitter: 0, refreshMs: 20 },
        { onSnapshot: collect(snapshots) },
      ),
      60_000,
      'run',
    );
    expect(summary.endedBy).toBe('completed');
    expect(snapshots.some((s) => s.links[0]!.depth === 5)).toBe(true);
    expect(snapshots.some((s) => s.workers.some((w) => w.role === 'producer' && w.state === 'blocked-full'))).toBe(
      true,
    );
    expect(snapshots.at(-1)!.links[0]!.highWater).toBe(5);
    // Every producer that put items was made to wait. Not every producer: they claim items 64 at a
    // time, so one whose worker starts late on a loaded machine may find all 150 claimed and never
    // put (or block) at all. Any that did put had a chunk of at least 22 to push into 5 slots.
    const producers = summary.workers.filter((w) => w.role === 'producer');
    expect(producers.some((w) => w.items > 0)).toBe(true);
    expect(producers.filter((w) => w.items > 0).every((w) => w.blockedMs > 0)).toBe(true);
  });

  it('a fast consumer starves: consumers block on empty', async () => {
    const snapshots: Snapshot[] = [];
    const summary = await within(
      runPipeline(
        { producers: 1, consumers: 3, capacity: 5, items: 60, produceMs: 5, consumeMs: 0, jitter: 0, refreshMs: 20 },
        { onSnapshot: collect(snapshots) },
      ),
      60_000,
      'run',
    );
    expect(summary.endedBy).toBe('completed');
    expect(snapshots.some((s) => s.workers.some((w) => w.role === 'consumer' && w.state === 'blocked-empty'))).toBe(
      true,
    );
    // Every consumer that took items waited for more. Not every consumer: one whose worker starts
    // late on a loaded machine may find only its sentinel, which it takes without waiting.
    const consumers = summary.workers.filter((w) => w.role === 'consumer');
    expect(consumers.some((w) => w.items > 0)).toBe(true);
    expect(consumers.filter((w) => w.items > 0).every((w) => w.blockedMs > 0)).toBe(true);
  });

  it('snapshots are immutable and their rates agree with the totals', async () => {
    const snapshots: Snapshot[] = [];
    const refreshMs = 25;
    await within(
      runPipeline(
        { producers: 2, consumers: 2, durationMs: 2500, produceMs: 1, consumeMs: 1, refreshMs },
        { onSnapshot: collect(snapshots) },
      ),
      60_000,
      'run',
    );
    const s = snapshots[Math.floor(snapshots.length / 2)]!;
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.workers[0])).toBe(true);
    expect(() => {
      (s.totals as { produced: number }).produced = -1;
    }).toThrow(TypeError);
    for (const snap of snapshots) {
      expect(snap.totals.produced).toBe(
        snap.workers.filter((w) => w.role === 'producer').reduce((a, w) => a + w.items, 0),
      );
      expect(snap.totals.consumed).toBe(
        snap.workers.filter((w) => w.role === 'consumer').reduce((a, w) => a + w.items, 0),
      );
      expect(snap.rates.produced).toBeGreaterThanOrEqual(0);
      expect(snap.totals.consumed).toBeLessThanOrEqual(snap.totals.produced);
    }
    // The rate is the last second's delta of the total: bracket it by the totals of the snapshots
    // taken just over and just under a second earlier (the window starts between them).
    for (const snap of snapshots.filter((x) => x.t > 1500 && x.state === 'running')) {
      const before = snapshots.filter((x) => x.t <= snap.t - 1000).at(-1)!;
      const after = snapshots.find((x) => x.t >= snap.t - 1000 + 2 * refreshMs)!;
      const spanMax = snap.t - before.t;
      const spanMin = snap.t - after.t;
      expect(snap.rates.produced * (spanMax / 1000)).toBeGreaterThanOrEqual(
        snap.totals.produced - after.totals.produced - 1,
      );
      expect(snap.rates.produced * (spanMin / 1000)).toBeLessThanOrEqual(
        snap.totals.produced - before.totals.produced + 1,
      );
    }
  });

  it('pause stops every worker, resume continues; adding and removing workers shows in the rows', async () => {
    const snapshots: Snapshot[] = [];
    // Consumers slower than producers: items wait in the queue, and a paused consumer must leave them there.
    const run = startPipeline(
      { producers: 1, consumers: 1, durationMs: 60_000, produceMs: 1, consumeMs: 3, refreshMs: 20 },
      { onSnapshot: collect(snapshots) },
    );
    const waitFor = (pred: (s: Snapshot) => boolean, what: string) => latestWhen(run, pred, what);
    await waitFor((s) => s.totals.produced > 10, 'first items');
    run.pause();
    const paused = await waitFor(
      (s) => s.state === 'paused' && s.workers.every((w) => w.state === 'paused'),
      'every worker paused',
    );
    expect(paused.links[0]!.depth).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    // Nothing moves while paused: not a produced item, not a consumed one.
    expect(run.latest()!.totals).toEqual(paused.totals);
    expect(run.latest()!.links[0]!.depth).toBe(paused.links[0]!.depth);
    run.resume();
    await waitFor((s) => s.state === 'running' && s.totals.produced > paused.totals.produced, 'resumed');
    run.addWorker(0);
    run.addWorker(1);
    await waitFor(
      (s) =>
        s.workers.filter((w) => w.role === 'producer').length === 2 && s.workers.find((w) => w.id === 'P2')!.items > 0,
      'P2 producing',
    );
    await waitFor((s) => s.workers.some((w) => w.id === 'C2'), 'C2 row');
    run.removeWorker(1);
    await waitFor(
      (s) => s.workers.filter((w) => w.role === 'consumer' && w.state === 'done').length === 1,
      'a consumer left',
    );
    run.removeWorker(0);
    await waitFor(
      (s) => s.workers.filter((w) => w.role === 'producer' && w.state === 'done').length === 1,
      'a producer left',
    );
    run.stop();
    run.stop(); // the run counts no stop requests (the command does): asking again changes nothing
    const summary = await within(run.done, 30_000, 'graceful stop');
    expect(summary.endedBy).toBe('stopped');
    expect(summary.consumed).toBe(summary.produced);
    expect(summary.shutdown.sentinelsSent).toBe(2); // one removed C, one at shutdown
  });

  it('a graceful stop (signal) drains the queue: nothing produced is lost', async () => {
    const controller = new AbortController();
    const run = startPipeline(
      { producers: 2, consumers: 2, durationMs: 60_000, produceMs: 1, consumeMs: 2, capacity: 10, refreshMs: 20 },
      { signal: controller.signal },
    );
    await within(
      (async () => {
        while (!(run.latest()?.totals.produced ?? 0)) await new Promise((r) => setTimeout(r, 10));
      })(),
      30_000,
      'first item',
    );
    controller.abort();
    const summary = await within(run.done, 30_000, 'stop');
    expect(summary.endedBy).toBe('stopped');
    expect(summary.produced).toBeGreaterThan(0);
    expect(summary.consumed).toBe(summary.produced);
    expect(summary.shutdown.sentinelsSent).toBe(2);
  });

  it('duration bounds a run', async () => {
    const summary = await within(
      runPipeline({ producers: 1, consumers: 1, durationMs: 300, produceMs: 1, consumeMs: 0, refreshMs: 20 }),
      30_000,
      'run',
    );
    expect(summary.endedBy).toBe('completed');
    expect(summary.consumed).toBe(summary.produced);
    expect(summary.durationMs).toBeGreaterThanOrEqual(300);
  });
});

describe('faults', () => {
  it('a throwing consumer ends the run as failed, with its message, and the rest shut down', async () => {
    process.env.PT_OUT = (await import('./helpers.js')).outDir();
    process.env.PT_FAIL_AT = '50';
    process.env.PT_ITEMS_PER_PRODUCER = '200';
    try {
      const summary = await within(
        runPipeline({
          producers: 2,
          consumers: 2,
          capacity: 4,
          producer: userModule('producer'),
          consumer: userModule('consumer'),
          refreshMs: 20,
        }),
        60_000,
        'run',
      );
      expect(summary.endedBy).toBe('failed');
      expect(summary.error).toMatch(/cannot handle item P\d:50/);
      const failed = summary.workers.filter((w) => w.state === 'failed');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed[0]!.error).toMatch(/cannot handle item/);
      expect(summary.consumed).toBeLessThanOrEqual(summary.produced);
    } finally {
      delete process.env.PT_FAIL_AT;
      delete process.env.PT_OUT;
      delete process.env.PT_ITEMS_PER_PRODUCER;
    }
  });

  it('a worker terminated mid-put does not hang the run', async () => {
    const run = startPipeline({
      producers: 2,
      consumers: 1,
      capacity: 1,
      durationMs: 60_000,
      produceMs: 0,
      consumeMs: 3,
      refreshMs: 20,
    });
    await within(
      (async () => {
        while (!run.latest()?.workers.some((w) => w.id === 'P1' && w.state === 'blocked-full'))
          await new Promise((r) => setTimeout(r, 5));
      })(),
      30_000,
      'P1 blocked in put',
    );
    await run.internals.worker('P1')!.terminate();
    const summary = await within(run.done, 30_000, 'run end');
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/P1/);
  });

  it('a worker that dies holding the queue lock is detected; the run ends instead of hanging', async () => {
    const run = startPipeline({
      producers: 1,
      consumers: 1,
      durationMs: 60_000,
      produceMs: 5,
      consumeMs: 5,
      refreshMs: 20,
    });
    const holder = spawnWorker(fixtureUrl('queue-lock-holder'), {
      workerData: { lock: run.internals.links[0]!.lockHandle },
    });
    await within(new Promise((r) => holder.once('exit', r)), 30_000, 'lock holder exit');
    const summary = await within(run.done, 30_000, 'run end');
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/holding the queue's lock/);
  });

  it('a worker still starting does not stall the run, however long it takes', async () => {
    process.env.PT_START_MS = '1500';
    try {
      const summary = await within(
        runPipeline({
          producers: 1,
          consumers: 2,
          capacity: 2,
          items: 10,
          produceMs: 0,
          consumer: userModule('slow-start-consumer'),
          stallMs: 500, // the consumers load for three times as long, while the queue stays full
          refreshMs: 20,
        }),
        30_000,
        'run',
      );
      expect(summary.endedBy).toBe('completed');
      expect(summary.consumed).toBe(10);
    } finally {
      delete process.env.PT_START_MS;
    }
  });

  it('a run where nothing moves ends as stalled', async () => {
    const summary = await within(
      runPipeline({
        producers: 1,
        consumers: 1,
        capacity: 2,
        items: 10,
        produceMs: 0,
        consumer: userModule('hanging-consumer'),
        stallMs: 500,
        refreshMs: 20,
      }),
      30_000,
      'run',
    );
    expect(summary.endedBy).toBe('stalled');
    expect(summary.error).toMatch(/no item moved for 500 ms/);
  });
});
