/**
 * Condition across workers: exact notify counts (CPython `_check_notify`), timeouts, waitFor,
 * ownership checks, ping-pong, recursion levels kept across a wait, and a producer/consumer run.
 * Its lock-like behaviour (acquire/release/hold) is in lock-like.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Condition, Lock, LockNotHeldError, RLock } from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import { sleep, until } from '../helpers/poll.js';
import { logStep, newSteps, readSteps, STEP } from '../helpers/steps.js';
import { expectAboutTimeout, STRESS, shared, timed, timedAsync } from '../helpers/sync.js';
import { runFixture, runFixtures, startFixture, within } from '../helpers/workers.js';

const KINDS = [
  ['default RLock', () => new Condition()],
  ['Lock', () => new Condition(new Lock())],
] as const;

/** Words of the sync-cond-notify-check fixture's shared state. */
const CHECK = { PHASE: 0, READY: 1, LEN1: 2, LEN2: 3, RESULTS1: 4, RESULTS2: 12, WORDS: 20 } as const;

/** Runs `fn` holding `cond` (acquired without blocking the event loop). */
async function locked(cond: Condition, fn: () => void): Promise<void> {
  expect(await within(cond.acquireAsync({ timeout: 30_000 }), 35_000, 'acquiring the condition')).toBe(true);
  try {
    fn();
  } finally {
    cond.release();
  }
}

describe.concurrent('Condition', () => {
  for (const [name, make, async] of [
    [KINDS[0][0], KINDS[0][1], false],
    [KINDS[1][0], KINDS[1][1], true],
  ] as const) {
    const title =
      'notify(n) wakes exactly n: notify(3), notify(5), notifyAll across 5 workers ' +
      `(CPython _check_notify; over ${name}, ${async ? 'waitAsync' : 'wait'})`;
    it(title, async () => {
      const cond = make();
      const state = shared(CHECK.WORDS);
      const results = (log: number, len: number): number[] =>
        Array.from({ length: Atomics.load(state, len) }, (_, i) => Atomics.load(state, log + i));
      const results1 = (): number[] => results(CHECK.RESULTS1, CHECK.LEN1);
      const results2 = (): number[] => results(CHECK.RESULTS2, CHECK.LEN2);
      const workers = Array.from({ length: 5 }, () =>
        startFixture('sync-cond-notify-check', { handle: cond.handle, state, async }),
      );
      const done = Promise.all(workers.map((w) => w.result));
      const settle = async (what: string, predicate: () => boolean): Promise<void> => {
        await Promise.race([
          until(predicate, what),
          done.then(() => expect.fail(`workers ended early, while waiting for: ${what}`)),
        ]);
      };

      await settle('all 5 in their first wait', () => Atomics.load(state, CHECK.READY) === 5 && cond.waiters === 5);
      Atomics.store(state, CHECK.READY, 0);
      expect(results1()).toEqual([]);
      // Phase 1: notify(3) wakes exactly three.
      await locked(cond, () => {
        cond.notify(3);
        Atomics.store(state, CHECK.PHASE, 1);
      });
      await settle('three woke', () => results1().length >= 3);
      await sleep(100); // room for a fourth to (wrongly) wake
      expect(results1()).toEqual([1, 1, 1]);
      expect(results2()).toEqual([]);
      // Phase 2: the three are back in their second wait, two still in their first; notify(5) wakes all five.
      await settle(
        'the three woken in their second wait',
        () => Atomics.load(state, CHECK.READY) === 3 && cond.waiters === 5,
      );
      await locked(cond, () => {
        cond.notify(5);
        Atomics.store(state, CHECK.PHASE, 2);
      });
      await settle('all five woke', () => results1().length + results2().length >= 8);
      await sleep(100);
      expect(results1()).toEqual([1, 1, 1, 2, 2]);
      expect(results2()).toEqual([2, 2, 2]);
      // Phase 3: notifyAll wakes the two still waiting.
      await settle('all in their second wait', () => Atomics.load(state, CHECK.READY) === 5 && cond.waiters === 2);
      await locked(cond, () => {
        cond.notifyAll();
        Atomics.store(state, CHECK.PHASE, 3);
      });
      expect(await within(done, 30_000, 'the workers')).toEqual(['done', 'done', 'done', 'done', 'done']);
      expect(results2()).toEqual([2, 2, 2, 3, 3]);
      expect(cond.waiters).toBe(0);
    });
  }

  it('notify with nobody waiting is not saved for later waiters', () => {
    const cond = new Condition(new Lock());
    cond.acquire();
    cond.notify(5);
    cond.notifyAll();
    expect(cond.wait(30)).toBe(false);
    cond.release();
  });

  it('a wait that starts after a notify cannot take that notify from the waiter it was meant for', async () => {
    // The worker is notified, then has to wait for the lock, which the main thread keeps; the main
    // thread then waits itself (timing out at once) and gets the lock back first. It was not
    // waiting when notify ran, so it must return false, and the worker true.
    const cond = new Condition(new Lock());
    const counts = shared(2);
    // The worker's timeout only bounds a failure (a stolen notify leaves it waiting): it must outlast
    // everything the main thread does before its notify, however slow the machine, or the worker
    // would time out first and rightly return false.
    const waiter = startFixture('sync-cond-waiter', { handle: cond.handle, counts, timeout: 20_000 });
    await until(() => cond.waiters === 1, 'a worker waiting');
    expect(await within(cond.acquireAsync(), 30_000, 'acquire')).toBe(true);
    cond.notify();
    await sleep(50); // the worker wakes and blocks on the lock we hold
    expect(cond.wait(0)).toBe(false);
    cond.release();
    expect(await within(waiter.result, 30_000, 'the notified waiter')).toBe(true);
    expect(cond.waiters).toBe(0);
  });

  it('notify(n) refuses a bad n, without cancelling wakeups already handed out', async () => {
    const cond = new Condition();
    const counts = shared(2);
    const waiter = startFixture('sync-cond-waiter', { handle: cond.handle, counts, timeout: 30_000 });
    await until(() => cond.waiters === 1, 'a worker waiting');
    await locked(cond, () => {
      cond.notify(1);
      for (const bad of [Number.NaN, -1, 1.5]) expect(() => cond.notify(bad)).toThrow(RangeError);
      cond.notify(0); // allowed: wakes nobody
    });
    expect(await within(waiter.result, 30_000, 'the notified waiter')).toBe(true);
    expect(cond.waiters).toBe(0);
  });

  it('wait(timeout) returns false after about the timeout, with the lock held again (main thread)', async () => {
    for (const [, make] of KINDS) {
      const cond = make();
      cond.acquire();
      const sync = timed(() => cond.wait(100));
      expect(sync.value).toBe(false);
      expectAboutTimeout(sync.elapsed, 100);
      expect(cond.lock.isOwnedByMe()).toBe(true);
      const async = await timedAsync(() => cond.waitAsync(100));
      expect(async.value).toBe(false);
      expectAboutTimeout(async.elapsed, 100);
      expect(cond.lock.isOwnedByMe()).toBe(true);
      expect(cond.waiters).toBe(0);
      cond.release();
    }
  });

  for (const op of ['cond-wait', 'cond-waitAsync'] as const) {
    const method = op.slice(5);
    const title = `${method}(timeout) in a worker returns false after about the timeout and leaves no waiter behind`;
    it(title, async () => {
      const cond = new Condition();
      const r = await runFixture<BlockerResult>('sync-blocker', {
        handle: cond.handle,
        op,
        steps: newSteps(),
        timeout: 200,
      });
      expect(r.result).toBe(false);
      expectAboutTimeout(r.elapsed, 200);
      expect(cond.waiters).toBe(0);
      expect(cond.acquire({ blocking: false })).toBe(true); // released by the worker: state after timeout
      cond.release();
    });

    it(`a worker's ${op.slice(5)}() really blocks until the main thread notifies (steps in order)`, async () => {
      const cond = new Condition();
      const steps = newSteps();
      const blocker = startFixture<BlockerResult>('sync-blocker', { handle: cond.handle, op, steps });
      await until(() => readSteps(steps).includes(STEP.BLOCKING) && cond.waiters === 1, 'the worker waiting');
      await locked(cond, () => {}); // the worker released the lock in wait...
      await sleep(100); // ...and does not return without a notify
      await locked(cond, () => {
        logStep(steps, STEP.MAIN_ACTS);
        cond.notify();
      });
      expect((await blocker.result).result).toBe(true);
      expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
    });
  }

  it('waitFor returns the predicate value, or the falsy value on timeout after about the timeout', async () => {
    const cond = new Condition();
    cond.acquire();
    expect(cond.waitFor(() => 42)).toBe(42);
    expect(cond.waitFor(() => 'yes', 10)).toBe('yes');
    const sync = timed(() => cond.waitFor(() => 0, 100));
    expect(sync.value).toBe(0);
    expectAboutTimeout(sync.elapsed, 100);
    const async = await timedAsync(() => cond.waitForAsync(() => '', 100));
    expect(async.value).toBe('');
    expectAboutTimeout(async.elapsed, 100);
    expect(cond.waitFor(() => null, 0)).toBe(null);
    cond.release();
    const worker = await runFixture<BlockerResult>('sync-blocker', {
      handle: cond.handle,
      op: 'cond-waitFor',
      steps: newSteps(),
      word: shared(1),
      timeout: 200,
    });
    expect(worker.result).toBe(0);
    expectAboutTimeout(worker.elapsed, 200);
  });

  it('waitFor in a worker sleeps through notifies until its predicate holds, then returns its value', async () => {
    const cond = new Condition(new Lock());
    const word = shared(1);
    const steps = newSteps();
    const blocker = startFixture<BlockerResult>('sync-blocker', {
      handle: cond.handle,
      op: 'cond-waitFor',
      steps,
      word,
    });
    await until(() => cond.waiters === 1, 'the worker waiting');
    await locked(cond, () => cond.notify()); // predicate still false: it must wait again
    await until(() => cond.waiters === 1, 'the worker waiting again');
    await sleep(100);
    expect(readSteps(steps)).toEqual([STEP.BLOCKING]);
    await locked(cond, () => {
      word[0] = 42;
      logStep(steps, STEP.MAIN_ACTS);
      cond.notify();
    });
    expect((await blocker.result).result).toBe(42);
    expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
  });

  it('wait and notify without holding the lock throw LockNotHeldError (main thread)', async () => {
    for (const [, make] of KINDS) {
      const cond = make();
      expect(() => cond.wait(1)).toThrow(LockNotHeldError);
      expect(() => cond.waitFor(() => false, 1)).toThrow(LockNotHeldError);
      expect(() => cond.notify()).toThrow(/cannot notify on un-acquired lock/);
      expect(() => cond.notifyAll()).toThrow(LockNotHeldError);
      await expect(cond.waitAsync(1)).rejects.toThrow(LockNotHeldError);
      await expect(cond.waitForAsync(() => false, 1)).rejects.toThrow(LockNotHeldError);
      // Whatever the predicate or the timeout: the misuse is reported, not raced.
      expect(() => cond.waitFor(() => true)).toThrow(LockNotHeldError);
      expect(() => cond.waitFor(() => false, 0)).toThrow(LockNotHeldError);
      expect(cond.waiters).toBe(0);
    }
  });

  for (const [name, make] of KINDS) {
    it(`a worker cannot wait or notify while the main thread holds the lock (over ${name})`, async () => {
      const cond = make();
      cond.acquire();
      const r = await runFixture('sync-cond-misuse', { handle: cond.handle });
      expect(r).toEqual({
        notify: 'LockNotHeldError',
        notifyAll: 'LockNotHeldError',
        wait: 'LockNotHeldError',
        waitAsync: 'LockNotHeldError',
        waitFor: 'LockNotHeldError',
        lockedByMe: false,
      });
      expect(cond.lock.isOwnedByMe()).toBe(true);
      expect(cond.waiters).toBe(0);
      cond.release();
    });
  }

  it('wait releases every level of a re-entrant lock, and restores them on return', async () => {
    const cond = new Condition(new RLock());
    const waiter = startFixture<{ notified: boolean; level: number; lockedAfter: boolean }>('sync-cond-depth', {
      handle: cond.handle,
      depth: 3,
    });
    await until(() => cond.waiters === 1, 'the worker waiting three levels deep');
    // A waiter is counted before it lets go of the lock, so wait for the lock rather than try it:
    // were any of the three levels kept, this would time out.
    expect(await within(cond.acquireAsync({ timeout: 30_000 }), 35_000, 'the lock, all three levels released')).toBe(
      true,
    );
    cond.notify();
    cond.release();
    expect(await within(waiter.result, 30_000, 'the waiter')).toEqual({ notified: true, level: 3, lockedAfter: false });
  });

  for (const [name, make] of KINDS) {
    it(`ping-pong between two workers strictly alternates (over ${name})`, async () => {
      const cond = make();
      const rounds = 1000 * STRESS;
      const state = shared(2 + 2 * rounds);
      await runFixtures(2, 'sync-ping-pong', (id) => ({ handle: cond.handle, id, shared: state, rounds }));
      expect(state[1]).toBe(2 * rounds);
      for (let i = 0; i < 2 * rounds; i++)
        if (state[2 + i] !== i % 2) expect.fail(`turn ${i} taken by ${state[2 + i]}`);
    });
  }

  it('ping-pong between the main thread (async forms) and a worker strictly alternates', async () => {
    const cond = new Condition();
    const rounds = 500 * STRESS;
    const state = shared(2 + 2 * rounds);
    const worker = startFixture('sync-ping-pong', { handle: cond.handle, id: 1, shared: state, rounds });
    const main = (async () => {
      for (let i = 0; i < rounds; i++) {
        using _ = await cond.holdAsync({ timeout: 30_000 });
        if (!(await cond.waitForAsync(() => state[0] === 0, 30_000)))
          throw new Error(`main waited 30 s for its turn (round ${i})`);
        state[2 + state[1]!] = 0;
        state[1]!++;
        state[0] = 1;
        cond.notify();
      }
    })();
    await within(Promise.all([main, worker.result]), 60_000, 'ping-pong');
    expect(state[1]).toBe(2 * rounds);
    for (let i = 0; i < 2 * rounds; i++) if (state[2 + i] !== i % 2) expect.fail(`turn ${i} taken by ${state[2 + i]}`);
  });

  it('producer/consumer: every item is taken exactly once by consumers waiting with and without timeouts', async () => {
    const cond = new Condition(new Lock());
    const state = shared(3); // items available, items taken, done
    const items = 1000 * STRESS;
    const timeouts = [undefined, undefined, 1, 3];
    const consumers = timeouts.map((timeout) =>
      startFixture<{ taken: number; timeouts: number }>('sync-cond-consumer', { handle: cond.handle, state, timeout }),
    );
    for (let i = 0; i < items; i++) {
      using _ = await cond.holdAsync({ timeout: 30_000 });
      state[0]!++;
      cond.notify();
      if (i % 50 === 0) await sleep(1); // let the stock run dry now and then, so consumers wait
    }
    await locked(cond, () => {
      state[2] = 1;
      cond.notifyAll();
    });
    const results = await within(Promise.all(consumers.map((c) => c.result)), 60_000, 'the consumers');
    expect(results.reduce((sum, r) => sum + r.taken, 0)).toBe(items);
    expect(state[1]).toBe(items);
    expect(state[0]).toBe(0);
    expect(cond.waiters).toBe(0);
  });
});
