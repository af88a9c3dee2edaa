/**
 * The run's resizable `--pool` (run-pool.ts), with real worker threads holding its permits: a raise
 * lets more in at once; a lowering takes back only permits that come back, never one held, and
 * the size falls with each one, so no more than the size is ever in use. Then a whole run: its
 * pool resized twice while consumers work, every snapshot within the size it shows, the summary
 * with the last size and the most held at once.
 */
import { describe, expect, it } from 'vitest';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import { PoolSizeError, RunPool } from '../../src/pipeline/run-pool.js';
import type { Snapshot } from '../../src/pipeline/types.js';
import { until } from '../helpers/poll.js';
import { type Started, startFixture, within } from '../helpers/workers.js';

/** A worker that takes a permit of `pool` and holds it until told to let go. */
function holder(pool: RunPool): { held: Promise<void>; letGo: () => void; done: Started<string>['result'] } {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { result } = startFixture<string>('sync-hold-until', { handle: pool.semaphore.handle, flag });
  const held = until(() => Atomics.load(flag, 0) === 1, 'the holder to take its permit');
  const letGo = (): void => {
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
  };
  return { held, letGo, done: result };
}

describe('the run pool', () => {
  it('a raise lets more in at once; a lowering waits for permits to come back and revokes none', async () => {
    const pool = new RunPool(2);
    expect(pool.size).toBe(2);
    const first = [holder(pool), holder(pool)];
    await Promise.all(first.map((h) => h.held));
    expect(pool.semaphore.acquire({ blocking: false })).toBe(false); // the two are all there is

    await pool.resize(4);
    expect(pool.size).toBe(4);
    const more = [holder(pool), holder(pool)];
    await Promise.all(more.map((h) => h.held));
    expect(pool.semaphore.value).toBe(0);

    let lowered = false;
    const lowering = pool.resize(1).then(() => (lowered = true));
    // Four held, none returned: the size cannot fall yet, and no holder lost its permit.
    await new Promise((r) => setTimeout(r, 300));
    expect([pool.size, lowered]).toEqual([4, false]);
    first[0]!.letGo();
    await first[0]!.done;
    await until(() => pool.size === 3, 'the returned permit taken back');
    expect(pool.semaphore.value).toBe(0); // taken back, not handed to anyone
    first[1]!.letGo();
    more[0]!.letGo();
    await within(lowering, 10_000, 'the lowering');
    expect(pool.size).toBe(1);
    expect(pool.semaphore.value).toBe(0); // the one still held is the whole pool
    more[1]!.letGo();
    expect(await more[1]!.done).toBe('released'); // its permit was never revoked
    expect(pool.semaphore.value).toBe(1);
  });

  it('a lowering that cannot finish ends when the pool is closed; bad sizes are refused', async () => {
    const pool = new RunPool(1);
    await pool.resize(1); // already that size: nothing to wait for
    await pool.resize(3);
    const holders = [holder(pool), holder(pool)];
    await Promise.all(holders.map((h) => h.held));
    await pool.resize(2); // the free one is taken back at once
    expect([pool.size, pool.semaphore.value]).toEqual([2, 0]);
    const stuck = pool.resize(1); // both held: none comes back
    pool.close();
    await within(stuck, 5_000, 'the closed lowering');
    expect(pool.size).toBe(2);
    for (const h of holders) h.letGo();
    await Promise.all(holders.map((h) => h.done));
    for (const bad of [0, 1.5, 65])
      expect(() => pool.resize(bad)).toThrow(
        new PoolSizeError(`a pool's size must be an integer from 1 to 64, got ${bad}`),
      );
  });

  it('a run whose pool is resized while consumers work: each snapshot within its size, the summary exact', async () => {
    const snapshots: Snapshot[] = [];
    const run = startPipeline(
      { producers: 2, consumers: 6, pool: 2, items: 900, consumeMs: 4, jitter: 0, refreshMs: 20, stallMs: 60_000 },
      { onSnapshot: (s) => void snapshots.push(s) },
    );
    await until(() => (run.latest()?.totals.consumed ?? 0) >= 150, 'the first items consumed', 60_000);
    run.resizePool!(5);
    await until(() => (run.latest()?.pool?.maxInUse ?? 0) > 2, 'a third consumer in at once', 60_000);
    await until(() => (run.latest()?.totals.consumed ?? 0) >= 500, 'more items consumed', 60_000);
    run.resizePool!(3);
    await until(() => run.latest()?.pool?.size === 3, 'the pool lowered to 3', 60_000);
    const summary = await within(run.done, 90_000, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect(summary.consumed).toBe(900);
    const pool = summary.pool!;
    expect(pool.size).toBe(3);
    expect(pool.maxInUse).toBeGreaterThan(2);
    expect(pool.maxInUse).toBeLessThanOrEqual(5);
    expect(pool.acquisitions).toBe(900);
    for (const s of snapshots) expect(s.pool!.inUse).toBeLessThanOrEqual(s.pool!.size);
    const sizes = new Set(snapshots.map((s) => s.pool!.size));
    expect([...sizes].every((n) => n >= 3 || n === 2)).toBe(true);
    expect([sizes.has(2), sizes.has(5), sizes.has(3)]).toEqual([true, true, true]);
  }, 120_000);
});
