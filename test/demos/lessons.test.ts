/**
 * Every threading lesson runs to completion in quick mode, on real workers, and shows its point:
 * each lesson's `main` returns a result object, asserted here. No timings are asserted. The
 * lessons import the toolkit as `pipeline-tui`, which resolves to the built package (dist/), as
 * it does for a user.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArgsPitfallResult } from '../../demos/args-pitfall.js';
import type { DaemonResult } from '../../demos/daemon.js';
import type { ExecutorResult } from '../../demos/executor.js';
import type { FinishOrderResult } from '../../demos/finish-order.js';
import { LESSONS, type LessonRun } from '../../demos/index.js';
import type { JoinResult } from '../../demos/join.js';
import type { LockPipelineResult } from '../../demos/lock-pipeline.js';
import type { QueuePipelineResult } from '../../demos/queue-pipeline.js';
import type { RaceResult } from '../../demos/race.js';
import type { SemaphoreResult } from '../../demos/semaphore.js';
import type { ThreadsInfoResult } from '../../demos/threads-info.js';
import type { TimerResult } from '../../demos/timer.js';
import type { WithLockResult } from '../../demos/with-lock.js';
import { ensureBuilt } from '../helpers/dist.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

beforeAll(() => ensureBuilt(), 150_000);

/** Runs lesson `name` quickly and quietly, within the deadline. */
function run<R extends object>(name: string): Promise<LessonRun<R>> {
  const lesson = LESSONS.find((l) => l.name === name);
  if (!lesson) throw new Error(`no lesson ${name}`);
  return within(lesson.run<R>({ quick: true, write: () => {} }), DEADLINE_MS, `demo ${name}`);
}

describe('threading lessons (quick mode, real workers)', () => {
  it('join: join() returns only after the thread has finished', async () => {
    const { result, lines } = await run<JoinResult>('join');
    expect(result).toEqual({ joinWaited: true, aliveAfterJoin: false });
    expect(lines).toContain('Thread 1: starting');
  });

  it('daemon: the process exits once the non-daemon thread is done, stopping the endless daemon', async () => {
    const { result } = await run<DaemonResult>('daemon');
    expect(result.exitCode).toBe(0); // not killed: the daemon did not keep the process alive
    expect(result.nonDaemonFinished).toBe(true);
  });

  it('finish-order: every thread finishes, each exactly once', async () => {
    const { result } = await run<FinishOrderResult>('finish-order');
    expect([...result.finished].sort()).toEqual(result.started);
  });

  it('threads-info: activeCount, currentThread, mainThread agree inside and outside', async () => {
    const { result, lines } = await run<ThreadsInfoResult>('threads-info');
    expect(result.during - result.before).toBe(result.names.length);
    expect(result.seenInside).toEqual(result.names.map(() => result.during));
    expect(result.after).toBe(result.before);
    expect(result.mainName).toBe('MainThread');
    expect(result.currentOnMain).toBe('MainThread');
    for (const name of result.names)
      expect(lines).toContainEqual(expect.stringContaining(`${name}: currentThread().name = ${name},`));
  });

  it('timer: the timer fires with its arguments; a cancelled one never runs', async () => {
    const { result } = await run<TimerResult>('timer');
    expect(result).toEqual({ firedWith: 'world', cancelledRan: false, cancelled: true });
  });

  it('race: unlocked updates lose one (1), locked ones do not (2 = the number of updates)', async () => {
    const { result } = await run<RaceResult>('race');
    expect(result.unlocked).toBeLessThan(result.locked);
    expect(result.locked).toBe(result.updates);
    expect(result.unlocked).toBe(1);
  });

  it('with-lock: every scoped style keeps every update, and a throwing block releases the lock', async () => {
    const { result } = await run<WithLockResult>('with-lock');
    expect(result.total).toBe(result.expected);
    expect(result.lockedAfterThrow).toBe(false);
  });

  it('lock-pipeline: every message arrives, in order, and the sentinel ends the consumer', async () => {
    const { result, lines } = await run<LockPipelineResult>('lock-pipeline');
    expect(result.sent.length).toBeGreaterThan(0);
    expect(result.received).toEqual(result.sent);
    expect(lines).toContain('Consumer: got the sentinel, exiting');
  });

  it('queue-pipeline: the Event stops the producer and every produced message is consumed', async () => {
    const { result } = await run<QueuePipelineResult>('queue-pipeline');
    expect(result.produced).toBeGreaterThan(0);
    expect(result.consumed).toBe(result.produced);
  });

  it('semaphore: never more connections in use than the pool has; over-release is refused', async () => {
    const { result, lines } = await run<SemaphoreResult>('semaphore');
    expect(result.maxInUse).toBeGreaterThanOrEqual(1);
    expect(result.maxInUse).toBeLessThanOrEqual(result.limit);
    expect(lines.filter((l) => l.endsWith(': disconnected'))).toHaveLength(result.clients);
    expect(result.overReleaseError).toMatch(/released too many times/);
  });

  it('executor: map keeps input order, submit gives each result, a failing task throws from result()', async () => {
    const { result } = await run<ExecutorResult>('executor');
    expect(result.squares).toEqual(result.inputs.map((n) => n * n));
    expect(result.downloads).toHaveLength(3);
    expect(result.downloads[0]).toMatch(/^https:\/\/example\.com\/a: \d+ bytes$/);
    expect(result.failure).toMatch(/connection reset/);
  });

  it('args-pitfall: a bare value is refused with the fix in the message; a list works', async () => {
    const { result } = await run<ArgsPitfallResult>('args-pitfall');
    expect(result.error).toBe(
      'TypeError: args must be an array of arguments; got a string — did you mean args: ["world"]?',
    );
    expect(result.greeting).toBe('Thread: hello, world!');
  });

  it('every lesson has a test above', () => {
    const tested = [
      'join',
      'daemon',
      'finish-order',
      'threads-info',
      'timer',
      'race',
      'with-lock',
      'lock-pipeline',
      'queue-pipeline',
      'semaphore',
      'executor',
      'args-pitfall',
    ];
    expect(LESSONS.map((l) => l.name).sort()).toEqual([...tested].sort());
  });
});
