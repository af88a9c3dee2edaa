/** Semaphore and BoundedSemaphore across workers (their lock-like behaviour is in lock-like.test.ts). */
import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Semaphore, SemaphoreOverReleaseError } from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import type { HolderMode } from '../fixtures/sync-sem-holders.js';
import { sleep, until } from '../helpers/poll.js';
import { expectAboutTimeout, STRESS, shared, timed, timedAsync } from '../helpers/sync.js';
import { runFixture, runFixtures, startFixture, within } from '../helpers/workers.js';

describe.concurrent('Semaphore(k) admits at most k holders at once', () => {
  const modes: HolderMode[] = ['blocking', 'blocking', 'timed', 'timed', 'async', 'async'];
  for (const [k, make] of [
    [1, () => new Semaphore(1)],
    [2, () => new Semaphore(2)],
    [3, () => new BoundedSemaphore(3)],
  ] as const) {
    const title =
      `${make().constructor.name}(${k}): 6 workers (blocking, timed, async acquirers); ` +
      `the max concurrent holders is ${k}`;
    it(title, async () => {
      const sem = make();
      const stats = shared(2); // [holders now, most holders at once]
      const rounds = 200 * STRESS;
      const results = await runFixtures<{ rounds: number }>(modes.length, 'sync-sem-holders', (i) => ({
        handle: sem.handle,
        stats,
        rounds,
        mode: modes[i],
      }));
      expect(results.every((r) => r.rounds === rounds)).toBe(true);
      expect(stats[1]).toBeLessThanOrEqual(k);
      expect(stats[1]).toBeGreaterThanOrEqual(1);
      expect(stats[0]).toBe(0);
      expect(sem.value).toBe(k); // every permit came back
      expect(sem.waiting).toBe(0);
    });
  }
});

describe.concurrent('Semaphore', () => {
  it('release(n) wakes exactly n of the workers asleep on it', async () => {
    const sem = new Semaphore(0);
    const acquirers = Array.from({ length: 3 }, () =>
      startFixture<BlockerResult>('sync-blocker', {
        handle: sem.handle,
        op: 'acquire',
        steps: shared(8),
        timeout: 30_000,
        keep: true,
      }),
    );
    await until(() => sem.waiting === 3, 'three workers asleep on the semaphore');
    const settled: unknown[] = [];
    for (const a of acquirers) void a.result.then((r) => settled.push(r.result));
    sem.release(2);
    await until(() => settled.length === 2, 'two acquired');
    await sleep(100);
    expect(settled).toEqual([true, true]); // exactly n: the third still waits
    // Waited for, not read: a woken worker that lost its permit to one not yet asleep at the
    // release leaves the sleeper count and joins it again, and may be between the two right now.
    await until(() => sem.waiting === 1, 'the third back among the sleepers');
    sem.release();
    await within(Promise.all(acquirers.map((a) => a.result)), 30_000, 'the third acquirer');
    expect(settled).toEqual([true, true, true]);
    expect(sem.value).toBe(0); // each kept its permit
    expect(sem.waiting).toBe(0);
  });

  it('a worker may release permits the main thread waits for (acquireAsync resolves)', async () => {
    const sem = new Semaphore(0);
    const pending = sem.acquireAsync({ timeout: 30_000 });
    expect(await runFixture('sync-try-release', { handle: sem.handle, n: 1 })).toBe('released');
    expect(await within(pending, 30_000, 'acquireAsync')).toBe(true);
    expect(sem.value).toBe(0);
  });

  it('a timed acquire on an empty semaphore returns false in about the time asked (main and worker)', async () => {
    const sem = new Semaphore(0);
    expect(sem.acquire({ blocking: false })).toBe(false);
    const sync = timed(() => sem.acquire({ timeout: 100 }));
    expect(sync.value).toBe(false);
    expectAboutTimeout(sync.elapsed, 100);
    const async = await timedAsync(() => sem.acquireAsync({ timeout: 100 }));
    expect(async.value).toBe(false);
    expectAboutTimeout(async.elapsed, 100);
    const worker = await runFixture<BlockerResult>('sync-blocker', {
      handle: sem.handle,
      op: 'acquire',
      steps: shared(8),
      timeout: 200,
    });
    expect(worker.result).toBe(false);
    expectAboutTimeout(worker.elapsed, 200);
    expect(sem.waiting).toBe(0); // state after timeout: no sleeper left registered
    sem.release();
    expect(sem.acquire({ blocking: false })).toBe(true);
  });

  it('a plain Semaphore may be released beyond its initial value (Python semantics)', () => {
    const s = new Semaphore(0);
    s.release(3);
    expect(s.value).toBe(3);
    s.release();
    expect(s.value).toBe(4);
    expect(new Semaphore().value).toBe(1);
  });

  it('validates its arguments', () => {
    const s = new Semaphore(1);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => s.release(bad)).toThrow(RangeError);
    expect(s.value).toBe(1);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 31]) expect(() => new Semaphore(bad)).toThrow(RangeError);
    expect(() => new BoundedSemaphore(-1)).toThrow(RangeError);
    expect(new Semaphore(0).value).toBe(0);
  });

  // #26 item 12: release(2 ** 31) wrapped the count to -2^31, and a non-blocking acquire still succeeded.
  it('refuses a release past 2^31-1 permits as the constructor does, unchanged and still counting right', () => {
    const s = new Semaphore(1);
    expect(() => s.release(2 ** 31)).toThrow(RangeError);
    expect(() => s.release(2 ** 31)).toThrow(/n must be an integer from 1 to 2\^31-1, got 2147483648/);
    expect(() => s.release(2 ** 31 - 1)).toThrow(/1 permits are free, and a semaphore holds at most 2\^31-1/);
    expect(s.value).toBe(1);
    s.release(2 ** 31 - 2); // exactly the most it holds
    expect(s.value).toBe(2 ** 31 - 1);
    expect(() => s.release()).toThrow(RangeError);
    expect(s.value).toBe(2 ** 31 - 1);
    expect(s.acquire({ blocking: false })).toBe(true);
    expect(s.value).toBe(2 ** 31 - 2);
    const empty = new Semaphore(0);
    expect(() => empty.release(2 ** 31)).toThrow(RangeError);
    expect(empty.value).toBe(0);
    expect(empty.acquire({ blocking: false })).toBe(false);
  });
});

describe.concurrent('BoundedSemaphore', () => {
  it('refuses to be released past its initial value, changing nothing', () => {
    const b = new BoundedSemaphore(2);
    expect(() => b.release()).toThrow(SemaphoreOverReleaseError);
    b.acquire();
    expect(() => b.release(2)).toThrow(SemaphoreOverReleaseError); // no partial release either
    expect(b.value).toBe(1);
    b.release();
    expect(() => b.release()).toThrow(/released too many times/);
    expect(b.value).toBe(2);
    b.acquire();
    b.acquire();
    b.release(2);
    expect(b.value).toBe(2);
  });

  it('an over-release in a worker throws SemaphoreOverReleaseError there', async () => {
    const b = new BoundedSemaphore(1);
    expect(await runFixture('sync-try-release', { handle: b.handle })).toBe('SemaphoreOverReleaseError');
    b.acquire();
    expect(await runFixture('sync-try-release', { handle: b.handle })).toBe('released'); // not owned: any thread may
    expect(b.value).toBe(1);
  });
});
