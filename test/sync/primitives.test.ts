/** Cross-worker behaviour specific to each primitive (the shared lock suite is lock-like.test.ts). */
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  LockNotHeldError,
  RLock,
  Semaphore,
  SemaphoreOverReleaseError,
} from '../../src/index.js';
import { runFixture, runFixtures, startFixture, within } from '../helpers/workers.js';
import { sleep, until } from '../helpers/poll.js';

const STRESS = Number(process.env.STRESS ?? 1);
const shared = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

describe('Lock and RLock ownership', () => {
  it('releasing an unlocked Lock throws LockNotHeldError', () => {
    expect(() => new Lock().release()).toThrow(/release unlocked lock/);
  });

  it('an RLock is re-entrant for its owner and free only after as many releases', () => {
    const r = new RLock();
    expect(r.acquire()).toBe(true);
    expect(r.acquire()).toBe(true);
    expect(r.recursionLevel).toBe(2);
    r.release();
    expect(r.locked()).toBe(true);
    r.release();
    expect(r.locked()).toBe(false);
    expect(() => r.release()).toThrow(LockNotHeldError);
  });

  it('only the owning thread may release an RLock (ownership lives in shared memory)', async () => {
    const r = new RLock();
    r.acquire();
    expect(await runFixture('sync-try-release', { handle: r.handle })).toBe('LockNotHeldError');
    expect(r.locked()).toBe(true);
    r.release();
  });

  it('a plain Lock may be released by another thread, as in Python', async () => {
    const l = new Lock();
    l.acquire();
    expect(await runFixture('sync-try-release', { handle: l.handle })).toBe('released');
    expect(l.locked()).toBe(false);
  });

  it('counts acquisitions and contended acquisitions without taking the lock', async () => {
    const lock = new Lock();
    const counter = shared(1);
    await runFixtures(4, 'sync-mutex-counter', () => ({ handle: lock.handle, counter, iterations: 2000, mode: 'acquire' }));
    const stats = lock.stats();
    expect(stats.acquisitions).toBe(8000);
    expect(stats.contended).toBeLessThanOrEqual(8000);
    expect(stats.holder).toBeUndefined();
  });
});

describe('Semaphore and BoundedSemaphore', () => {
  it.each([1, 2, 3])('Semaphore(%i) never admits more holders than permits, across 6 workers', async (k) => {
    const sem = new Semaphore(k);
    const stats = shared(2);
    await runFixtures(6, 'sync-sem-holders', () => ({ handle: sem.handle, stats, rounds: 300 * STRESS }));
    expect(stats[1]).toBeLessThanOrEqual(k);
    expect(stats[1]).toBeGreaterThanOrEqual(1);
    expect(stats[0]).toBe(0);
    expect(sem.value).toBe(k);
  });

  it('BoundedSemaphore refuses to be released past its initial value', () => {
    const b = new BoundedSemaphore(2);
    expect(() => b.release()).toThrow(SemaphoreOverReleaseError);
    b.acquire();
    b.release();
    expect(() => b.release()).toThrow(/released too many times/);
    expect(b.value).toBe(2);
  });

  it('a plain Semaphore may be released beyond its start (Python semantics)', () => {
    const s = new Semaphore(0);
    s.release(3);
    expect(s.value).toBe(3);
    expect(() => s.release(0)).toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
  });

  it('release(n) wakes n waiters in other workers', async () => {
    const sem = new Semaphore(0);
    const flags = Array.from({ length: 3 }, () => shared(1));
    const waiters = flags.map(() => startFixture('sync-try-acquire-sem', { handle: sem.handle }));
    await until(() => sem.waiting === 3, 'three workers asleep on the semaphore');
    sem.release(2);
    const settled: boolean[] = [];
    waiters.forEach((w) => void w.result.then((r) => settled.push(r as boolean)));
    await until(() => settled.length === 2, 'two woke');
    await sleep(100);
    expect(settled).toHaveLength(2); // exactly n, the third still waits
    sem.release();
    await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'all acquired');
    expect(sem.value).toBe(0);
  });
});

describe('Condition', () => {
  it('notify(n) wakes exactly n waiters, notifyAll the rest (CPython _check_notify)', async () => {
    const cond = new Condition();
    const counts = shared(2); // [ready, woken]
    const waiters = Array.from({ length: 5 }, () => startFixture('sync-cond-waiter', { handle: cond.handle, counts, timeout: 30_000 }));
    await until(() => Atomics.load(counts, 0) === 5 && cond.waiters === 5, 'five waiting');
    cond.acquire();
    cond.notify(3);
    cond.release();
    await until(() => Atomics.load(counts, 1) === 3, 'three woke');
    await sleep(150);
    expect(Atomics.load(counts, 1)).toBe(3);
    expect(cond.waiters).toBe(2);
    cond.acquire();
    cond.notifyAll();
    cond.release();
    const results = await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'all woke');
    expect(results).toEqual([true, true, true, true, true]);
    expect(cond.waiters).toBe(0);
  });

  it('notify with nobody waiting is remembered by nobody', async () => {
    const cond = new Condition(new Lock());
    cond.acquire();
    cond.notify(5);
    expect(cond.wait(30)).toBe(false); // the earlier notify is not saved for later waiters
    cond.release();
  });

  it('wait(timeout) returns false after about the timeout, with the lock held again', () => {
    const cond = new Condition();
    cond.acquire();
    const t0 = performance.now();
    expect(cond.wait(80)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(48);
    expect(cond.lock.isOwnedByMe()).toBe(true);
    cond.release();
  });

  it('waitFor returns the predicate value, falsy on timeout', async () => {
    const cond = new Condition();
    cond.acquire();
    expect(cond.waitFor(() => 42)).toBe(42);
    expect(cond.waitFor(() => 0, 30)).toBe(0);
    expect(await cond.waitForAsync(() => '', 30)).toBe('');
    cond.release();
  });

  it('wait and notify without holding the lock throw LockNotHeldError', async () => {
    const cond = new Condition();
    expect(() => cond.wait(1)).toThrow(LockNotHeldError);
    expect(() => cond.notify()).toThrow(/cannot notify on un-acquired lock/);
    await expect(cond.waitAsync(1)).rejects.toThrow(LockNotHeldError);
  });

  it('waitAsync on the main thread times out without blocking the event loop', async () => {
    const cond = new Condition();
    await cond.acquireAsync();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const pending = cond.waitAsync(200);
    const notified = await within(pending, 30_000, 'waitAsync timeout');
    clearInterval(timer);
    expect(notified).toBe(false);
    expect(ticks).toBeGreaterThan(3);
    cond.release();
  });

  for (const [name, make] of [['RLock', () => new Condition()], ['Lock', () => new Condition(new Lock())]] as const) {
    it(`ping-pong between two workers, strictly alternating (Condition over ${name})`, async () => {
      const cond = make();
      const rounds = 2000 * STRESS;
      const state = shared(2 + 2 * rounds);
      await runFixtures(2, 'sync-ping-pong', (id) => ({ handle: cond.handle, id, shared: state, rounds }));
      expect(state[1]).toBe(2 * rounds);
      for (let i = 0; i < 2 * rounds; i++) expect(state[2 + i]).toBe(i % 2);
    });
  }
});

describe('Event', () => {
  it('set wakes every waiter in every worker; clear resets', async () => {
    const event = new Event();
    const ready = shared(1);
    const waiters = Array.from({ length: 4 }, () => startFixture('sync-event-waiter', { handle: event.handle, ready, timeout: 30_000 }));
    await until(() => Atomics.load(ready, 0) === 4, 'four waiting');
    await sleep(50);
    expect(event.isSet()).toBe(false);
    event.set();
    expect(await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'waiters')).toEqual([true, true, true, true]);
    event.clear();
    expect(event.isSet()).toBe(false);
    expect(event.wait(20)).toBe(false);
  });

  it('waiters return true even if the event is cleared right after set (CPython #13502)', async () => {
    const event = new Event();
    const ready = shared(1);
    const waiters = Array.from({ length: 3 }, () => startFixture('sync-event-waiter', { handle: event.handle, ready, timeout: 30_000 }));
    await until(() => Atomics.load(ready, 0) === 3, 'three waiting');
    await sleep(50);
    event.set();
    event.clear();
    expect(await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'waiters')).toEqual([true, true, true]);
  });

  it('wait times out with false; waitAsync too, without blocking the loop', async () => {
    const event = new Event();
    expect(await runFixture('sync-event-waiter', { handle: event.handle, ready: shared(1), timeout: 50 })).toBe(false);
    expect(await event.waitAsync(30)).toBe(false);
    event.set();
    expect(await event.waitAsync(30)).toBe(true);
    expect(event.wait()).toBe(true);
  });
});

describe('Barrier', () => {
  it('several rounds: arrival indices are a permutation each round, the action runs once per round', async () => {
    const parties = 4;
    const rounds = 50 * STRESS;
    const barrier = new Barrier(parties);
    const indices = shared(parties * rounds);
    const actions = shared(1);
    const results = await runFixtures(parties, 'sync-barrier-party', () => ({ handle: barrier.handle, rounds, indices, actions }));
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
    for (let i = 0; i < parties * rounds; i++) expect(indices[i]).toBe(1);
    expect(actions[0]).toBe(rounds);
    expect(barrier.broken).toBe(false);
    expect(barrier.nWaiting).toBe(0);
  });

  it('a timeout breaks the barrier for everyone', async () => {
    const barrier = new Barrier(3);
    const results = await runFixtures(2, 'sync-barrier-party', () => ({ handle: barrier.handle, rounds: 1, indices: shared(3), actions: shared(1), timeout: 100 }));
    expect(results).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
    expect(barrier.broken).toBe(true);
    expect(() => barrier.wait()).toThrow(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
  });

  it('abort releases waiting workers with BrokenBarrierError; reset makes it usable again', async () => {
    const barrier = new Barrier(3);
    const waiting = Array.from({ length: 2 }, () => startFixture('sync-barrier-party', { handle: barrier.handle, rounds: 1, indices: shared(3), actions: shared(1) }));
    await until(() => barrier.nWaiting === 2, 'two at the barrier');
    barrier.abort();
    expect(await within(Promise.all(waiting.map((w) => w.result)), 30_000, 'aborted waiters')).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
    barrier.reset();
    const again = await runFixtures(3, 'sync-barrier-party', () => ({ handle: barrier.handle, rounds: 2, indices: shared(6), actions: shared(1) }));
    expect(again).toEqual(['ok', 'ok', 'ok']);
  });

  it('reset while threads wait breaks their wait, not the barrier', async () => {
    const barrier = new Barrier(2);
    const waiter = startFixture('sync-barrier-party', { handle: barrier.handle, rounds: 1, indices: shared(2), actions: shared(1) });
    await until(() => barrier.nWaiting === 1, 'one at the barrier');
    barrier.reset();
    expect(await within(waiter.result, 30_000, 'reset waiter')).toBe('BrokenBarrierError');
    expect(barrier.broken).toBe(false);
  });

  it('validates its arguments', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(2, { timeout: -5 })).toThrow(RangeError);
  });
});
