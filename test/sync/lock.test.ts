import { describe, expect, it } from 'vitest';
import { Lock, LockNotHeldError } from '../../src/index.js';
import { runFixtures } from '../helpers/workers.js';

describe('Lock across workers', () => {
  it('keeps a non-atomic read-modify-write exact (no lost updates)', async () => {
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const workers = 4;
    const iterations = 50_000;
    await runFixtures(workers, 'lock-counter', () => ({ lock: lock.handle, counter, iterations }));
    expect(counter[0]).toBe(workers * iterations);
    expect(lock.locked()).toBe(false);
    expect(lock.stats().acquisitions).toBe(workers * iterations);
  });

  it('refuses to release an unlocked lock', () => {
    expect(() => new Lock().release()).toThrow(LockNotHeldError);
  });
});
