/**
 * The moments of a run worth jumping to in a recording: each change of the run state (paused,
 * draining, shutting down, done, failed…) and each shutdown step completed — the producers all
 * done, every sentinel out, every consumer exited. Read off two consecutive Snapshots, so live
 * runs and replays mark the same places.
 */
import type { Snapshot } from '../pipeline/types.js';

/** Labels of what changed from `prev` (undefined: the first snapshot) to `next`. */
export function phaseMarkers(prev: Snapshot | undefined, next: Snapshot): string[] {
  const marks: string[] = [];
  const was = prev?.shutdown;
  const now = next.shutdown;
  const step = (label: string, done: number, of: number, before: number | undefined): void => {
    if (of > 0 && done >= of && !(before !== undefined && before >= of)) marks.push(`${label} ${done}/${of}`);
  };
  step('producers done', now.producersDone, now.producers, was?.producersDone);
  step('sentinels sent', now.sentinelsSent, now.consumers, was?.sentinelsSent);
  step('consumers exited', now.consumersExited, now.consumers, was?.consumersExited);
  // After the steps: the last consumer exits, then the run is done.
  if (prev !== undefined && prev.state !== next.state)
    marks.push(next.state === 'failed' && next.error ? `failed: ${next.error}` : next.state.replace('-', ' '));
  return marks;
}
