/** Lock-specific behaviour across workers (the shared lock suite is lock-like.test.ts). */
import { describe, expect, it } from 'vitest';
import { Lock, LockNotHeldError } from '../../src/index.js';
import { until } from '../helpers/poll.js';
import { expectAboutTimeout, STRESS, shared, timed } from '../helpers/sync.js';
import { runFixture, runFixtures, startFixture } from '../helpers/workers.js';

describe.concurrent('Lock across workers', () => {
  it('keeps a non-atomic read-modify-write exact (no lost updates)', async () => {
    const lock = new Lock();
    const counter = shared(1);
    const workers = 4;
    const iterations = 25_000 * STRESS;
    await runFixtures(workers, 'lock-counter', () => ({ lock: lock.handle, counter, iterations }));
    expect(counter[0]).toBe(workers * iterations);
    expect(lock.locked()).toBe(false);
    expect(lock.stats().acquisitions).toBe(workers * iterations);
    expect(lock.stats().contended).toBeLessThanOrEqual(workers * iterations);
  });

  it('release() of an unlocked lock throws LockNotHeldError, and changes nothing', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(LockNotHeldError);
    expect(() => lock.release()).toThrow(/release unlocked lock/);
    expect(lock.locked()).toBe(false);
    expect(lock.acquire({ blocking: false })).toBe(true);
    lock.release();
    expect(() => lock.release()).toThrow(LockNotHeldError); // twice is once too many
  });

  it('is not re-entrant: its holder cannot take it again', () => {
    const lock = new Lock();
    lock.acquire();
    expect(lock.acquire({ blocking: false })).toBe(false);
    const { value, elapsed } = timed(() => lock.acquire({ timeout: 100 }));
    expect(value).toBe(false);
    expectAboutTimeout(elapsed, 100);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  it('may be released by a thread that did not acquire it, as in Python', async () => {
    const lock = new Lock();
    lock.acquire();
    expect(await runFixture('sync-try-release', { handle: lock.handle })).toBe('released');
    expect(lock.locked()).toBe(false);
    expect(lock.acquire({ blocking: false })).toBe(true);
    lock.release();
  });

  it('locked() and stats().holder show, in the main thread, a lock a worker holds', async () => {
    const lock = new Lock();
    const flag = shared(1);
    const holder = startFixture('sync-hold-until', { handle: lock.handle, flag });
    await until(() => Atomics.load(flag, 0) === 1, 'the worker holds the lock');
    expect(lock.locked()).toBe(true);
    expect(lock.stats().holder).toBe(holder.worker.threadId);
    Atomics.store(flag, 0, 2);
    expect(await holder.result).toBe('released');
    expect(lock.locked()).toBe(false);
    expect(lock.stats()).toMatchObject({ acquisitions: 1, holder: undefined });
  });
});
