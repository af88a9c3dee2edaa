/**
 * The moments of a run worth jumping to in a recording: each change of the run state (paused,
 * draining, shutting down, done, failed…) and each step of the shutdown cascade completed — the
 * producers all done, then link by link the sentinels out (or the queue closed) and the stage
 * behind it exited, the consumers last: the steps the dashboard's Shutdown line follows. Read off
 * two consecutive Snapshots, so live runs and replays mark the same places.
 */
import type { Snapshot } from '../pipeline/types.js';
import { steps } from '../tui/shutdown-steps.js';

/** Labels of what changed from `prev` (undefined: the first snapshot) to `next`. */
export function phaseMarkers(prev: Snapshot | undefined, next: Snapshot): string[] {
  const before = prev !== undefined ? steps(prev) : [];
  const marks = steps(next)
    .filter((step, i) => step.status === 'done' && before[i]?.status !== 'done')
    .map((step) => step.text);
  // After the steps: the last consumer exits, then the run is done.
  if (prev !== undefined && prev.state !== next.state)
    marks.push(next.state === 'failed' && next.error ? `failed: ${next.error}` : next.state.replace('-', ' '));
  return marks;
}
