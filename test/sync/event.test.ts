/** Event across workers: set/clear/wait, CPython's set-and-clear test, timeouts, async waits. */
import { describe, expect, it } from 'vitest';
import { Event } from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import { sleep, until } from '../helpers/poll.js';
import { logStep, newSteps, readSteps, STEP } from '../helpers/steps.js';
import { expectAboutTimeout, STRESS, shared, timed, timedAsync } from '../helpers/sync.js';
import { runFixture, runFixtures, startFixture, within } from '../helpers/workers.js';

describe.concurrent('Event', () => {
  it('set() wakes every waiter in every worker; clear() resets the flag', async () => {
    const event = new Event();
    const ready = shared(1);
    const waiters = Array.from({ length: 4 }, () =>
      startFixture('sync-event-waiter', { handle: event.handle, ready, timeout: 30_000 }),
    );
    await until(() => Atomics.load(ready, 0) === 4, 'four workers waiting');
    await sleep(50);
    expect(event.isSet()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    expect(await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'the waiters')).toEqual([
      true,
      true,
      true,
      true,
    ]);
    event.clear();
    expect(event.isSet()).toBe(false);
    expect(event.wait(20)).toBe(false);
    // Once set, wait returns true at once, in any worker, however often.
    event.set();
    event.set();
    expect(await runFixtures(2, 'sync-event-waiter', () => ({ handle: event.handle, ready, timeout: 0 }))).toEqual([
      true,
      true,
    ]);
  });

  const setAndClear =
    'waiters return true even if the event is cleared right after set (CPython test_set_and_clear, #13502)';
  it(setAndClear, async () => {
    const event = new Event();
    const ready = shared(1);
    // Each waiter counts itself ready only once its wait has begun (registered: waitAsync has read
    // the generation and parked), so set-then-clear is sure to land during the waits. A waiter
    // counted before its wait began, as a sleep would assume, might start after the clear and rightly
    // wait on: nothing is promised to a wait that was not waiting when set() ran.
    const waiters = Array.from({ length: 3 }, () =>
      startFixture('sync-event-waiter', { handle: event.handle, ready, timeout: 30_000, registered: true }),
    );
    await until(() => Atomics.load(ready, 0) === 3, 'three workers waiting');
    event.set();
    event.clear();
    expect(await within(Promise.all(waiters.map((w) => w.result)), 30_000, 'the waiters')).toEqual([true, true, true]);
    expect(event.isSet()).toBe(false);
  });

  for (const op of ['event-wait', 'event-waitAsync'] as const) {
    it(`a worker's ${op.slice(6)}() really blocks until the main thread sets the event (steps in order)`, async () => {
      const event = new Event();
      const steps = newSteps();
      const blocker = startFixture<BlockerResult>('sync-blocker', { handle: event.handle, op, steps });
      await until(() => readSteps(steps).includes(STEP.BLOCKING), 'the worker about to wait');
      await sleep(100);
      logStep(steps, STEP.MAIN_ACTS);
      event.set();
      expect((await blocker.result).result).toBe(true);
      expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
    });

    it(`${op.slice(6)}(timeout) in a worker returns false after about the timeout`, async () => {
      const event = new Event();
      const r = await runFixture<BlockerResult>('sync-blocker', {
        handle: event.handle,
        op,
        steps: newSteps(),
        timeout: 200,
      });
      expect(r.result).toBe(false);
      expectAboutTimeout(r.elapsed, 200);
      event.set(); // still works after a timed-out wait
      expect(event.wait(0)).toBe(true);
    });
  }

  it('wait(timeout) and waitAsync(timeout) on the main thread return false after about the timeout', async () => {
    const event = new Event();
    const sync = timed(() => event.wait(100));
    expect(sync.value).toBe(false);
    expectAboutTimeout(sync.elapsed, 100);
    const async = await timedAsync(() => event.waitAsync(150));
    expect(async.value).toBe(false);
    expectAboutTimeout(async.elapsed, 150);
    expect(event.wait(0)).toBe(false);
  });

  const setInWorker =
    'waitAsync on the main thread resolves true when a worker sets the event; clear in a worker is seen here';
  it(setInWorker, async () => {
    const event = new Event();
    const flag = shared(1);
    const pending = event.waitAsync(30_000);
    const setter = startFixture('sync-actor', { handle: event.handle, action: 'set', flag });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    expect(await within(pending, 30_000, 'waitAsync')).toBe(true);
    expect(await setter.result).toBe('done');
    expect(event.isSet()).toBe(true);
    flag[0] = 1;
    expect(await runFixture('sync-actor', { handle: event.handle, action: 'clear', flag })).toBe('done');
    expect(event.isSet()).toBe(false);
    expect(await event.waitAsync(0)).toBe(false);
  });

  it('refuses a bad timeout (waitAsync rejects rather than throwing)', async () => {
    const event = new Event();
    expect(() => event.wait(-1)).toThrow(RangeError);
    const pending = event.waitAsync(-1);
    await expect(pending).rejects.toThrow(RangeError);
  });

  it('relay over two events between two workers: no set lost or doubled over many rounds', async () => {
    const ping = new Event();
    const pong = new Event();
    const count = shared(1);
    const rounds = 500 * STRESS;
    const a = startFixture('sync-event-relay', { id: 0, mine: ping.handle, theirs: pong.handle, count, rounds });
    const b = startFixture('sync-event-relay', { id: 1, mine: pong.handle, theirs: ping.handle, count, rounds });
    ping.set();
    expect(await within(Promise.all([a.result, b.result]), 60_000, 'the relay')).toEqual([rounds, rounds]);
    expect(count[0]).toBe(2 * rounds);
  });
});
