/** taskDone/join (Python's task_done/join), with the joiner and the worker in different threads. */
import { describe, expect, it } from 'vitest';
import { BoundedQueue, TaskDoneError } from '../../src/index.js';
import { sleep } from '../helpers/poll.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';
import { append, entries } from './log.js';
import { blockedIn, startOp } from './ops.js';

const MAIN_FINISHES = 2;

describe('taskDone and join', () => {
  it('join in a worker returns only after the main thread marks every item done', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.putMany(['a', 'b']);
    const { log, result } = await blockedIn(q, { op: 'join' });
    q.get();
    q.taskDone();
    await sleep(50);
    expect(entries(log)).toEqual([1]); // one task still unfinished: still joining
    q.get();
    append(log, MAIN_FINISHES);
    q.taskDone();
    expect(await result).toMatchObject({ value: 'joined' });
    expect(entries(log)).toEqual([1, MAIN_FINISHES, 3]);
  });

  it('join on the main thread (joinAsync) returns after a worker calls taskDone', async () => {
    const q = new BoundedQueue({ capacity: 4 });
    q.put('x');
    q.get();
    let joined = false;
    const join = q.joinAsync().then(() => (joined = true));
    await sleep(50);
    expect(joined).toBe(false);
    expect(await startOp(q, { op: 'taskDone' }).result).toMatchObject({ value: 'done' });
    await within(join, DEADLINE_MS, 'joinAsync');
  });

  it('join returns at once when nothing is unfinished, and works again and again on the same instance', async () => {
    const q = new BoundedQueue<number>({ capacity: 4 });
    q.join();
    await within(q.joinAsync(), DEADLINE_MS, 'joinAsync on a fresh queue');
    for (let round = 0; round < 2; round++) {
      q.putMany([round, round + 10]);
      const joiner = await blockedIn(q, { op: 'join' });
      const asyncJoiner = startOp(q, { op: 'joinAsync' });
      for (let i = 0; i < 2; i++) {
        q.get();
        q.taskDone();
      }
      expect(await joiner.result, `round ${round}`).toMatchObject({ value: 'joined' });
      expect(await asyncJoiner.result, `round ${round}`).toMatchObject({ value: 'joined' });
      expect(q.stats().unfinished).toBe(0);
    }
  });

  it('taskDone called more times than items were put throws TaskDoneError and changes nothing', async () => {
    const q = new BoundedQueue({ capacity: 2 });
    expect(() => q.taskDone()).toThrow(TaskDoneError);
    q.put(1);
    q.get();
    q.taskDone();
    expect(() => q.taskDone()).toThrow(/called too many times: call it once per item/);
    expect(await startOp(q, { op: 'taskDone' }).result).toMatchObject({ error: 'TaskDoneError' });
    expect(q.stats().unfinished).toBe(0);
    expect(q.lockStats().holder).toBeUndefined(); // the error released the lock
    q.put(2); // and the queue still works
    expect(q.get()).toBe(2);
  });

  it('items put in a batch count one task each', () => {
    const q = new BoundedQueue({ capacity: 8 });
    q.putMany([1, 2, 3]);
    expect(q.stats().unfinished).toBe(3);
    q.getMany(3);
    for (let i = 0; i < 3; i++) q.taskDone();
    q.join();
    expect(() => q.taskDone()).toThrow(TaskDoneError);
  });
});
