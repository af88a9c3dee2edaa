/** Barrier across workers: rounds, arrival indices, the action, timeouts, abort, reset, broken. */
import { describe, expect, it } from 'vitest';
import { Barrier, BrokenBarrierError } from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import { sleep, until } from '../helpers/poll.js';
import { logStep, newSteps, readSteps, STEP } from '../helpers/steps.js';
import { expectAboutTimeout, STRESS, shared } from '../helpers/sync.js';
import { runFixture, runFixtures, startFixture, within } from '../helpers/workers.js';

/** Every (round, index) pair was taken exactly once: each round's indices are a permutation. */
function expectPermutations(indices: Int32Array, parties: number, rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    const row = Array.from(indices.subarray(r * parties, (r + 1) * parties));
    if (row.some((n) => n !== 1))
      expect.fail(`round ${r}: arrivals per index ${JSON.stringify(row)}, expected each index once`);
  }
}

describe.concurrent('Barrier', () => {
  it(
    'several rounds with 4 workers: arrival indices are a permutation of 0..3 each round, ' +
      'the action runs once per round',
    async () => {
      const parties = 4;
      const rounds = 50 * STRESS;
      const barrier = new Barrier(parties);
      const indices = shared(parties * rounds);
      const actions = shared(1);
      const results = await runFixtures(parties, 'sync-barrier-party', () => ({
        handle: barrier.handle,
        rounds,
        indices,
        actions,
      }));
      expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
      expectPermutations(indices, parties, rounds);
      expect(actions[0]).toBe(rounds);
      expect(barrier.broken).toBe(false);
      expect(barrier.nWaiting).toBe(0);
    },
  );

  it('the main thread can be one of the parties, with its own action', async () => {
    const parties = 3;
    const rounds = 20;
    const actions = shared(1);
    const barrier = new Barrier(parties, { action: () => void Atomics.add(actions, 0, 1) });
    const indices = shared(parties * rounds);
    const workers = Array.from({ length: parties - 1 }, () =>
      startFixture('sync-barrier-party', { handle: barrier.handle, rounds, indices, actions }),
    );
    for (let r = 0; r < rounds; r++) {
      await until(() => barrier.nWaiting >= 1, 'a worker at the barrier'); // keep the blocking wait below short
      Atomics.add(indices, r * parties + barrier.wait(30_000), 1);
    }
    expect(await within(Promise.all(workers.map((w) => w.result)), 30_000, 'the workers')).toEqual(['ok', 'ok']);
    expectPermutations(indices, parties, rounds);
    expect(actions[0]).toBe(rounds); // whoever arrived last ran its own action, once
  });

  it("a worker's wait really blocks until the last party arrives (steps in order)", async () => {
    const barrier = new Barrier(2);
    const steps = newSteps();
    const blocker = startFixture<BlockerResult>('sync-blocker', { handle: barrier.handle, op: 'barrier-wait', steps });
    await until(() => barrier.nWaiting === 1, 'the worker at the barrier');
    await sleep(100);
    logStep(steps, STEP.MAIN_ACTS);
    expect(barrier.wait(5000)).toBe(1); // the main thread arrives last
    expect((await blocker.result).result).toBe(0);
    expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
  });

  it('a timeout breaks the barrier for everyone (BrokenBarrierError), until reset', async () => {
    const barrier = new Barrier(3);
    const results = await runFixtures(2, 'sync-barrier-party', (i) => ({
      handle: barrier.handle,
      rounds: 1,
      indices: shared(3),
      actions: shared(1),
      timeout: i === 0 ? 100 : 30_000,
    }));
    expect(results).toEqual(['BrokenBarrierError', 'BrokenBarrierError']);
    expect(barrier.broken).toBe(true);
    expect(() => barrier.wait()).toThrow(BrokenBarrierError);
    expect(() => barrier.wait(10)).toThrow(/broken/);
    barrier.reset();
    expect(barrier.broken).toBe(false);
  });

  it('the default timeout given to the constructor applies to wait() without one', async () => {
    const barrier = new Barrier(2, { timeout: 200 });
    const r = await runFixture<BlockerResult>('sync-blocker', {
      handle: barrier.handle,
      op: 'barrier-wait',
      steps: newSteps(),
    });
    expect(r.error).toBe('BrokenBarrierError');
    expectAboutTimeout(r.elapsed, 200);
    expect(barrier.broken).toBe(true);
  });

  it('abort() releases waiting workers with BrokenBarrierError; reset() makes it usable again', async () => {
    const barrier = new Barrier(3);
    const waiting = Array.from({ length: 2 }, () =>
      startFixture('sync-barrier-party', { handle: barrier.handle, rounds: 1, indices: shared(3), actions: shared(1) }),
    );
    await until(() => barrier.nWaiting === 2, 'two workers at the barrier');
    expect(barrier.broken).toBe(false);
    barrier.abort();
    expect(barrier.broken).toBe(true);
    expect(await within(Promise.all(waiting.map((w) => w.result)), 30_000, 'the aborted waiters')).toEqual([
      'BrokenBarrierError',
      'BrokenBarrierError',
    ]);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const indices = shared(6);
    const actions = shared(1);
    expect(
      await runFixtures(3, 'sync-barrier-party', () => ({ handle: barrier.handle, rounds: 2, indices, actions })),
    ).toEqual(['ok', 'ok', 'ok']);
    expectPermutations(indices, 3, 2);
    expect(actions[0]).toBe(2);
  });

  it('abort() from a worker breaks a wait in another worker', async () => {
    const barrier = new Barrier(3);
    const waiter = startFixture('sync-barrier-party', {
      handle: barrier.handle,
      rounds: 1,
      indices: shared(3),
      actions: shared(1),
    });
    await until(() => barrier.nWaiting === 1, 'a worker at the barrier');
    const flag = shared(1);
    flag[0] = 1;
    expect(await runFixture('sync-actor', { handle: barrier.handle, action: 'abort', flag })).toBe('done');
    expect(await within(waiter.result, 30_000, 'the aborted waiter')).toBe('BrokenBarrierError');
    expect(barrier.broken).toBe(true);
  });

  it('reset() while threads wait breaks their wait, not the barrier', async () => {
    const barrier = new Barrier(2);
    const waiter = startFixture('sync-barrier-party', {
      handle: barrier.handle,
      rounds: 1,
      indices: shared(2),
      actions: shared(1),
    });
    await until(() => barrier.nWaiting === 1, 'a worker at the barrier');
    barrier.reset();
    expect(await within(waiter.result, 30_000, 'the reset waiter')).toBe('BrokenBarrierError');
    expect(barrier.broken).toBe(false);
    expect(barrier.nWaiting).toBe(0);
    // Usable at once: the next round passes.
    const indices = shared(2);
    const other = startFixture('sync-barrier-party', {
      handle: barrier.handle,
      rounds: 1,
      indices,
      actions: shared(1),
    });
    await until(() => barrier.nWaiting === 1, 'a worker at the barrier again');
    expect(barrier.wait(5000)).toBe(1);
    expect(await within(other.result, 30_000, 'the next round')).toBe('ok');
  });

  it('an action that throws breaks the barrier: the last party gets its error, others BrokenBarrierError', async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error('action failed');
      },
    });
    const waiter = startFixture('sync-barrier-party', {
      handle: barrier.handle,
      rounds: 1,
      indices: shared(2),
      actions: shared(1),
    });
    await until(() => barrier.nWaiting === 1, 'a worker at the barrier');
    expect(() => barrier.wait(5000)).toThrow('action failed');
    expect(await within(waiter.result, 30_000, 'the other party')).toBe('BrokenBarrierError');
    expect(barrier.broken).toBe(true);
  });

  it('parties, nWaiting, a one-party barrier, and argument checks', () => {
    let actions = 0;
    const one = new Barrier(1, { action: () => actions++ });
    expect(one.parties).toBe(1);
    expect(one.wait()).toBe(0);
    expect(one.wait()).toBe(0);
    expect(actions).toBe(2);
    expect(one.nWaiting).toBe(0);
    expect(Barrier.from(new Barrier(5).handle).parties).toBe(5);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new Barrier(bad)).toThrow(RangeError);
    expect(() => new Barrier(2, { timeout: -5 })).toThrow(RangeError);
    expect(() => new Barrier(2).wait(-1)).toThrow(RangeError);
  });
});
