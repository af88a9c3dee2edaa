import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CancelledError, ExecutorShutDownError, FutureTimeoutError, Lock, ThreadPoolExecutor } from '../../src/index.js';
import { within } from '../helpers/workers.js';

const TASKS = fileURLToPath(new URL('../fixtures/thread-tasks.mjs', import.meta.url));
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
    await within(Promise.all([1, 2, 3].map(() => pool.submit(task('lockedIncrements'), lock, shared, 2000).result())), 60_000, 'tasks');
    expect(shared[0]).toBe(6000);
  });

  it('validates maxWorkers', () => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: 0 })).toThrow(RangeError);
  });
});
