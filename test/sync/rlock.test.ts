/** RLock: re-entrancy and ownership, which lives in shared memory and so holds across workers. */
import { describe, expect, it } from 'vitest';
import { InvalidHandleError, Lock, LockNotHeldError, RLock } from '../../src/index.js';
import type { BlockerResult } from '../fixtures/sync-blocker.js';
import { sleep, until } from '../helpers/poll.js';
import { logStep, newSteps, readSteps, STEP } from '../helpers/steps.js';
import { shared } from '../helpers/sync.js';
import { runFixture, startFixture } from '../helpers/workers.js';

describe.concurrent('RLock', () => {
  it('is re-entrant for its owner, and free only after as many releases as acquires', () => {
    const r = new RLock();
    expect(r.recursionLevel).toBe(0);
    expect(r.acquire()).toBe(true);
    expect(r.acquire({ blocking: false })).toBe(true); // the owner re-enters even without blocking
    expect(r.acquire({ timeout: 10 })).toBe(true);
    expect(r.recursionLevel).toBe(3);
    r.release();
    r.release();
    expect(r.locked()).toBe(true);
    expect(r.recursionLevel).toBe(1);
    r.release();
    expect(r.locked()).toBe(false);
    expect(r.recursionLevel).toBe(0);
    expect(() => r.release()).toThrow(LockNotHeldError);
    expect(() => r.release()).toThrow(/cannot release un-acquired lock/);
  });

  it('counts recursion levels in a worker, and refuses one release too many there', async () => {
    const r = new RLock();
    const probe = await runFixture<{
      levels: number[];
      reentered: boolean;
      lockedWhileHeld: boolean;
      lockedAfter: boolean;
      extra: string;
    }>('sync-rlock-probe', { handle: r.handle, depth: 3 });
    expect(probe.levels).toEqual([0, 1, 2, 3, 4, 3, 2, 1, 0]);
    expect(probe).toMatchObject({
      reentered: true,
      lockedWhileHeld: true,
      lockedAfter: false,
      extra: 'LockNotHeldError',
    });
    expect(r.locked()).toBe(false);
  });

  it('a worker cannot release an RLock the main thread holds (LockNotHeldError), and it stays held', async () => {
    const r = new RLock();
    r.acquire();
    r.acquire();
    expect(await runFixture('sync-try-release', { handle: r.handle })).toBe('LockNotHeldError');
    expect(r.locked()).toBe(true);
    expect(r.recursionLevel).toBe(2); // untouched by the refused release
    r.release();
    r.release();
    expect(r.locked()).toBe(false);
  });

  it('the main thread cannot release an RLock a worker holds, and sees no recursion level of its own', async () => {
    const r = new RLock();
    const flag = shared(1);
    const holder = startFixture('sync-hold-until', { handle: r.handle, flag });
    await until(() => Atomics.load(flag, 0) === 1, 'the worker holds the RLock');
    expect(() => r.release()).toThrow(LockNotHeldError);
    expect(r.locked()).toBe(true);
    expect(r.recursionLevel).toBe(0);
    expect(r.acquire({ blocking: false })).toBe(false); // not the owner: no re-entry
    Atomics.store(flag, 0, 2);
    expect(await holder.result).toBe('released');
    expect(r.locked()).toBe(false);
  });

  it('another worker stays blocked until the owner has released every level', async () => {
    const r = new RLock();
    r.acquire();
    r.acquire();
    r.acquire();
    const steps = newSteps();
    const blocker = startFixture<BlockerResult>('sync-blocker', { handle: r.handle, op: 'acquire', steps });
    await until(() => readSteps(steps).includes(STEP.BLOCKING), 'the worker is about to acquire');
    r.release();
    r.release();
    await sleep(100); // still level 1: the worker must not get it
    expect(readSteps(steps)).toEqual([STEP.BLOCKING]);
    logStep(steps, STEP.MAIN_ACTS);
    r.release();
    expect((await blocker.result).result).toBe(true);
    expect(readSteps(steps)).toEqual([STEP.BLOCKING, STEP.MAIN_ACTS, STEP.RETURNED]);
  });

  it('an RLock handle is not a Lock handle, nor the other way round', () => {
    expect(() => Lock.from(new RLock().handle)).toThrow(InvalidHandleError);
    expect(() => RLock.from(new Lock().handle)).toThrow(InvalidHandleError);
    expect(RLock.from(new RLock().handle)).toBeInstanceOf(RLock);
  });
});
