/**
 * Stop requests are counted in one place, guardRun (issue 23): whatever asks — q, Ctrl-C, a signal,
 * a closed stdout — the first request stops the run gracefully and the next aborts it, with the exit
 * code of the request that aborted; q asks for the graceful stop only. The run's own controls
 * (runPipeline's, a replay's) count nothing: a second stop() there changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type GuardedRun, guardRun } from '../../src/cli/interrupts.js';
import { recordingControls } from '../tui/snapshots.js';

let guard: GuardedRun | undefined;
afterEach(() => guard?.dispose());

function guarded(): { run: ReturnType<typeof recordingControls>; guard: GuardedRun; firstStops: string[] } {
  const run = recordingControls();
  const firstStops: string[] = [];
  guard = guardRun(run, (reason) => firstStops.push(reason));
  return { run, guard, firstStops };
}

describe('guardRun counts stop requests', () => {
  it('q twice: one graceful stop, never an abort', () => {
    const { run, guard, firstStops } = guarded();
    guard.controls.stop();
    guard.controls.stop();
    expect(run.calls).toEqual(['stop']);
    expect(firstStops).toEqual(['key']);
    expect(guard.aborted).toBe(false);
  });

  it('Ctrl-C twice: a graceful stop, then an abort with exit code 130', () => {
    const { run, guard } = guarded();
    guard.controls.interrupt();
    expect(run.calls).toEqual(['stop']);
    guard.controls.interrupt();
    expect(run.calls).toEqual(['stop', 'abort']);
    expect(guard.aborted).toBe(true);
    expect(guard.abortCode).toBe(130);
  });

  it('q, then Ctrl-C: the Ctrl-C aborts; Ctrl-C, then q: q changes nothing', () => {
    const first = guarded();
    first.guard.controls.stop();
    first.guard.controls.interrupt();
    expect(first.run.calls).toEqual(['stop', 'abort']);
    first.guard.dispose();

    const second = guarded();
    second.guard.controls.interrupt();
    second.guard.controls.stop();
    expect(second.run.calls).toEqual(['stop']);
    expect(second.guard.aborted).toBe(false);
  });

  it("a signal after a key aborts with the signal's code (128 + its number)", () => {
    const { run, guard, firstStops } = guarded();
    guard.controls.interrupt();
    guard.request('SIGTERM');
    expect(run.calls).toEqual(['stop', 'abort']);
    expect(firstStops).toEqual(['key']);
    expect(guard.abortCode).toBe(143);
  });

  it('a closed stdout asks only for the first stop: after a SIGHUP it does not abort', () => {
    const { run, guard, firstStops } = guarded();
    guard.request('SIGHUP');
    guard.request('output-closed');
    expect(run.calls).toEqual(['stop']);
    expect(firstStops).toEqual(['SIGHUP']);
    expect(guard.aborted).toBe(false);
  });

  it('listens for SIGTERM while guarding, and no longer once disposed', () => {
    const before = process.listenerCount('SIGTERM');
    const { guard } = guarded();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    guard.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
