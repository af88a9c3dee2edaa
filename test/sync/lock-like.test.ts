/**
 * One suite for every lock-like primitive (CPython lock_tests' BaseLockTests idea), re-run by
 * `describeLockLike` for Lock, RLock, Semaphore(1), BoundedSemaphore(1) and Condition (over its
 * default RLock, and over a plain Lock). Everything here holds across workers.
 */
import { describe, expect, it } from 'vitest';
import {
  type Acquirable,
  type AcquireOptions,
  AcquireTimeoutError,
  BoundedSemaphore,
  Condition,
  type Hold,
  Lock,
  RLock,
  Semaphore,
  type SharedHandle,
  withLock,
  withLockAsync,
} from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import type { CounterMode } from '../fixtures/sync-mutex-counter.js';
import { sleep, until } from '../helpers/poll.js';
import { logStep, newSteps, readSteps, STEP } from '../helpers/steps.js';
import { expectAboutTimeout, STRESS, shared, ticker, timed, timedAsync } from '../helpers/sync.js';
import { runFixtures, startFixture, within } from '../helpers/workers.js';

type LockLike = Acquirable & {
  readonly handle: SharedHandle;
  hold(opts?: AcquireOptions): Hold;
  holdAsync(opts?: AcquireOptions): Promise<Hold>;
};

/** Starts a worker that takes `lock` and keeps it until `letGo()` is called. */
async function heldByWorker(lock: LockLike): Promise<{ letGo(): Promise<void> }> {
  const flag = shared(1);
  const holder = startFixture('sync-hold-until', { handle: lock.handle, flag });
  await Promise.race([until(() => Atomics.load(flag, 0) === 1, 'a worker holds the lock'), holder.result]);
  return {
    async letGo() {
      Atomics.store(flag, 0, 2);
      expect(await holder.result).toBe('released');
    },
  };
}

function describeLockLike(name: string, make: () => LockLike, { reentrant }: { reentrant: boolean }): void {
  describe.concurrent(`${name} (lock-like suite)`, () => {
    it('no lost updates: workers doing read-modify-write, holding it every way in turn', async () => {
      const lock = make();
      const counter = shared(1);
      const modes: CounterMode[] = [
        'acquire',
        'hold',
        'with',
        'timed',
        'async',
        ...(reentrant ? (['nested'] as const) : []),
      ];
      const workers = 3;
      const iterations = 4000 * STRESS;
      // Each worker starts at a different mode, so different ways of holding it race each other.
      const results = await runFixtures<{ iterations: number }>(workers, 'sync-mutex-counter', (w) => ({
        handle: lock.handle,
        counter,
        iterations,
        modes: [...modes.slice(w % modes.length), ...modes.slice(0, w % modes.length)],
      }));
      expect(results.map((r) => r.iterations)).toEqual(Array(workers).fill(iterations));
      expect(counter[0]).toBe(workers * iterations);
      expect(lock.acquire({ blocking: false })).toBe(true); // left free
      lock.release();
    });

    it(
      'while a worker holds it: non-blocking and timed acquires fail in about the time asked, ' + 'and leave it usable',
      async () => {
        const lock = make();
        const holder = await heldByWorker(lock);
        expect(lock.acquire({ blocking: false })).toBe(false);
        const sync = timed(() => lock.acquire({ timeout: 150 }));
        expect(sync.value).toBe(false);
        expectAboutTimeout(sync.elapsed, 150);
        const async = await timedAsync(() => lock.acquireAsync({ timeout: 150 }));
        expect(async.value).toBe(false);
        expectAboutTimeout(async.elapsed, 150);
        expect(() => lock.hold({ timeout: 10 })).toThrow(AcquireTimeoutError);
        expect(() => lock.hold({ blocking: false })).toThrow(AcquireTimeoutError);
        await expect(lock.holdAsync({ timeout: 10 })).rejects.toThrow(AcquireTimeoutError);
        // State after timeout (CPython test_state_after_timeout): the failed attempts left no trace.
        await holder.letGo();
        expect(lock.acquire({ blocking: false })).toBe(true);
        lock.release();
        expect(lock.acquire({ timeout: 5000 })).toBe(true);
        lock.release();
      },
    );

    it('a timed acquire in a worker fails in about the time asked while the main thread holds it', async () => {
      const lock = make();
      lock.acquire();
      const steps = newSteps();
      const { result, elapsed } = await startFixture<BlockerResult>('sync-blocker', {
        handle: lock.handle,
        op: 'acquire',
        steps,
        timeout: 200,
      }).result;
      expect(result).toBe(false);
      expectAboutTimeout(elapsed, 200);
      lock.release();
      expect(lock.acquire({ blocking: false })).toBe(true); // state after timeout
      lock.release();
    });

    for (const op of ['acquire', 'acquireAsync'] as const) {
      it(`a worker's ${op} really blocks until the main thread releases (steps in order)`, async () => {
        const lock = make();
        lock.acquire();
        const steps = newSteps();
        const blocker = startFixture<BlockerResult>('sync-blocker', { handle: lock.handle, op, steps });
        await until(() => readSteps(steps).includes(STEP.BLOCKING), 'the worker is about to acquire');
        await sleep(100); // time to return, had it not blocked
        logStep(steps, STEP.MAIN_ACTS);
        lock.release();
        expect((await blocker.result).result).toBe(true);
        expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
        expect(lock.acquire({ blocking: false })).toBe(true); // the worker released it again
        lock.release();
      });
    }

    it('the main thread keeps running its event loop while acquireAsync waits for a worker', async () => {
      const lock = make();
      const holder = await heldByWorker(lock);
      const tick = ticker();
      let acquired = false;
      const pending = lock.acquireAsync().then((ok) => (acquired = ok));
      await until(() => tick.ticks > 5, 'the interval ticks while acquireAsync waits');
      expect(acquired).toBe(false);
      await holder.letGo();
      await within(pending, 30_000, 'acquireAsync after the worker released');
      tick.stop();
      expect(acquired).toBe(true);
      lock.release();
    });

    it('scoped holds release on the way out, even when the body throws', async () => {
      const lock = make();
      expect(() => {
        using _ = lock.hold();
        throw new Error('boom');
      }).toThrow('boom');
      expect(lock.acquire({ blocking: false })).toBe(true);
      lock.release();
      expect(() =>
        withLock(lock, () => {
          throw new Error('bang');
        }),
      ).toThrow('bang');
      const failing = withLockAsync(lock, async () => {
        throw new Error('async bang');
      });
      await expect(within(failing, 30_000, 'withLockAsync')).rejects.toThrow('async bang');
      {
        using _ = await within(lock.holdAsync(), 5000, 'holdAsync of a free lock');
      }
      const h = lock.hold();
      h.release();
      h.release(); // a hold releases exactly once
      expect(withLock(lock, () => 7)).toBe(7);
      expect(
        await within(
          withLockAsync(lock, async () => 8),
          30_000,
          'withLockAsync',
        ),
      ).toBe(8);
      expect(lock.acquire({ blocking: false })).toBe(true);
      lock.release();
    });

    it('refuses bad options without taking it', () => {
      const lock = make();
      expect(() => lock.acquire({ timeout: -1 })).toThrow(RangeError);
      expect(() => lock.acquire({ timeout: Number.NaN })).toThrow(RangeError);
      expect(() => lock.acquire({ blocking: false, timeout: 1 })).toThrow(TypeError);
      expect(lock.acquire({ blocking: false })).toBe(true); // nothing was taken by the refused calls
      if (reentrant) expect(() => lock.acquire({ timeout: -1 })).toThrow(RangeError); // even when re-entering
      lock.release();
    });
  });
}

describeLockLike('Lock', () => new Lock(), { reentrant: false });
describeLockLike('RLock', () => new RLock(), { reentrant: true });
describeLockLike('Semaphore(1)', () => new Semaphore(1), { reentrant: false });
describeLockLike('BoundedSemaphore(1)', () => new BoundedSemaphore(1), { reentrant: false });
describeLockLike('Condition (default RLock)', () => new Condition(), { reentrant: true });
describeLockLike('Condition(Lock)', () => new Condition(new Lock()), { reentrant: false });
