import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  currentThread,
  ExecutorShutDownError,
  Future,
  FutureTimeoutError,
  Lock,
  ThreadPoolExecutor,
} from '../../src/index.js';
import { within } from '../helpers/workers.js';

const TASKS = fileURLToPath(new URL('../fixtures/thread-tasks.ts', import.meta.url));
const task = (name: string): string => `${TASKS}#${name}`;

describe('ThreadPoolExecutor', () => {
  it('map returns results in input order even when tasks finish out of order', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    const items = Array.from({ length: 20 }, (_, i) => i);
    expect(await within(pool.map<number>(task('square'), items), 60_000, 'map')).toEqual(items.map((x) => x * x));
  });

  it('map surfaces the first error', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    await expect(within(pool.map(task('fail'), [1, 2, 3, 4]), 60_000, 'map')).rejects.toThrow('cannot handle 3');
  });

  it('map reports the first failure in input order, not the first to happen', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    const items = [
      { x: 0, ms: 0 },
      { x: 1, ms: 300 }, // fails last ...
      { x: 2, ms: 0 }, // ... this one first
    ];
    await expect(within(pool.map(task('failAfter'), items), 60_000, 'map')).rejects.toThrow('item 0 failed');
    await expect(within(pool.map(task('failAfter'), items.slice(1)), 60_000, 'map')).rejects.toThrow('item 1 failed');
  });

  it('when map fails, the tasks that have not started are cancelled', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const items = [true, false, false, false, false, false].map((fail) => ({ counter, fail }));
    {
      await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      await expect(within(pool.map(task('counted'), items), 60_000, 'map')).rejects.toThrow('counted task failed');
    } // disposal waits for whatever had started
    // The failing task ran, and at most the one the pool took up while map was noticing the error.
    expect(Atomics.load(counter, 0)).toBeLessThanOrEqual(2);
  });

  it('map({ timeout }) gives up with FutureTimeoutError', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    await expect(within(pool.map(task('sleep'), [300, 300], { timeout: 20 }), 60_000, 'map')).rejects.toThrow(
      FutureTimeoutError,
    );
  });

  it('submit → result and exception; done and running', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const ok = pool.submit<number>(task('square'), 12);
    const bad = pool.submit(task('fail'), 3);
    expect(await within(ok.result(), 60_000, 'result')).toBe(144);
    expect(ok.done()).toBe(true);
    expect(ok.running()).toBe(false);
    expect(((await within(bad.exception(), 60_000, 'exception')) as Error).message).toBe('cannot handle 3');
    await expect(bad.result()).rejects.toThrow('cannot handle 3');
    expect(await ok.exception()).toBeUndefined();
  });

  it('result(timeout) gives up with FutureTimeoutError while the task keeps running', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const slow = pool.submit(task('sleep'), 300);
    await expect(slow.result(20)).rejects.toThrow(FutureTimeoutError);
    expect(await within(slow.result(), 60_000, 'slow')).toBe(300);
  });

  it('cancel works only on pending futures (maxWorkers 1: the second waits)', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const running = pool.submit(task('sleep'), 200);
    const queued = pool.submit(task('sleep'), 1);
    const callbacks: string[] = [];
    queued.addDoneCallback(() => callbacks.push('queued done'));
    expect(running.running()).toBe(true);
    expect(running.cancel()).toBe(false);
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    expect(callbacks).toEqual(['queued done']);
    await expect(queued.result()).rejects.toThrow(CancelledError);
    expect(await within(running.result(), 60_000, 'running')).toBe(200);
  });

  it('shutdown({ cancelFutures }) cancels what has not started; submit after shutdown throws', async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    const first = pool.submit(task('sleep'), 100);
    const later = [pool.submit(task('sleep'), 1), pool.submit(task('sleep'), 1)];
    await within(pool.shutdown({ cancelFutures: true }), 60_000, 'shutdown');
    expect(first.done() && !first.cancelled()).toBe(true);
    expect(later.every((f) => f.cancelled())).toBe(true);
    expect(() => pool.submit(task('sleep'), 1)).toThrow(ExecutorShutDownError);
    expect(() => pool.submit(task('sleep'), 1)).toThrow('cannot schedule new futures after shutdown');
  });

  it('shutdown({ wait: true }) waits for every submitted task', async () => {
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    const futures = [50, 60, 70, 80].map((ms) => pool.submit(task('sleep'), ms));
    await within(pool.shutdown(), 60_000, 'shutdown');
    expect(futures.every((f) => f.done() && !f.cancelled())).toBe(true);
  });

  it('shared objects pass to tasks by handle', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    const lock = new Lock();
    const shared = new Int32Array(new SharedArrayBuffer(4));
    await within(
      Promise.all([1, 2, 3].map(() => pool.submit(task('lockedIncrements'), lock, shared, 2000).result())),
      60_000,
      'tasks',
    );
    expect(shared[0]).toBe(6000);
  });

  it('a done callback that throws is reported and does not stop the others', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      const f = pool.submit<number>(task('square'), 2);
      const calls: string[] = [];
      f.addDoneCallback(() => {
        throw new Error('bad callback');
      });
      f.addDoneCallback((done) => calls.push(`second saw ${String(done.done())}`));
      expect(await within(f.result(), 60_000, 'result')).toBe(4);
      expect(calls).toEqual(['second saw true']);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(
        /exception calling callback for <Future state=finished returned>:\nError: bad callback/,
      );
    } finally {
      write.mockRestore();
    }
  });

  it('tasks run on workers that are not Threads: currentThread() there is a dummy', async () => {
    await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    expect(currentThread().name).toBe('MainThread');
    expect(await within(pool.submit<string>(task('nameOfCurrentThread')).result(), 60_000, 'result')).toMatch(
      /^Dummy-\d+$/,
    );
  });

  it('a Future is also usable on its own (pending until settled)', () => {
    const f = new Future<number>();
    expect([f.done(), f.running(), f.cancelled()]).toEqual([false, false, false]);
    expect(f.cancel()).toBe(true);
    expect(f.cancel()).toBe(true); // already cancelled: still true, as in Python
    expect(f.done()).toBe(true);
  });

  it('validates maxWorkers', () => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: 0 })).toThrow(RangeError);
  });
});
