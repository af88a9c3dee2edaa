/**
 * Replays a metrics log as a run: the recorded Snapshots come out at their recorded pace (times
 * `speed`) to the same sinks a live run feeds, and it ends on the recorded Summary. The keys of
 * a live run map onto the replay: pause/resume hold the clock, step moves one snapshot while
 * paused, stop/abort end it at once (with the summary of the whole run). Adding or removing
 * workers means nothing for a recording and is ignored.
 */
import { summaryOf } from '../pipeline/summary.js';
import type { RunControls, Snapshot, Summary } from '../pipeline/types.js';
import type { MetricsLog } from './metrics-log.js';

export interface Replay extends RunControls {
  readonly done: Promise<Summary>;
  latest(): Snapshot | undefined;
}

export interface ReplayOptions {
  /** Playback speed: 2 plays twice as fast. Default 1. */
  speed?: number;
  onSnapshot?: (snapshot: Snapshot) => void;
}

/** The recorded Summary, or for a log cut short (its run crashed) one made from the last snapshot. */
export function summaryOfLog(log: MetricsLog): Summary {
  if (log.summary !== undefined) return log.summary;
  const last = log.snapshots.at(-1)!;
  const endedBy =
    last.state === 'failed' || last.state === 'stalled' || last.state === 'aborted' ? last.state : 'stopped';
  return summaryOf(last, endedBy, last.error ?? `the metrics log ends before the run did (${whereLogEnds(log)})`);
}

/** Where a log without its summary stops: "no summary line", or the line cut mid-write. */
export function whereLogEnds(log: MetricsLog): string {
  return log.cutAtLine !== undefined
    ? `line ${log.cutAtLine} was cut short mid-write; the replay ends at line ${log.cutAtLine - 1}`
    : 'no summary line: the recording was cut short';
}

export function startReplay(log: MetricsLog, { speed = 1, onSnapshot }: ReplayOptions = {}): Replay {
  const snapshots = log.snapshots;
  let index = -1;
  let paused = false;
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveDone!: (summary: Summary) => void;
  const done = new Promise<Summary>((resolve) => (resolveDone = resolve));

  const show = (i: number): void => {
    index = i;
    const s = snapshots[i]!;
    onSnapshot?.(paused ? { ...s, state: 'paused' } : s);
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    resolveDone(summaryOfLog(log));
  };
  const schedule = (): void => {
    if (paused || ended) return;
    if (index + 1 >= snapshots.length) {
      end();
      return;
    }
    const wait = index < 0 ? 0 : (snapshots[index + 1]!.t - snapshots[index]!.t) / speed;
    timer = setTimeout(() => {
      show(index + 1);
      schedule();
    }, wait);
  };

  const replay: Replay = {
    done,
    latest: () => (index < 0 ? undefined : snapshots[index]),
    stop: end,
    abort: end,
    pause() {
      if (paused || ended) return;
      paused = true;
      clearTimeout(timer);
      if (index >= 0) show(index);
    },
    resume() {
      if (!paused || ended) return;
      paused = false;
      if (index >= 0) show(index);
      schedule();
    },
    step(delta) {
      if (!paused || ended) return;
      show(Math.min(snapshots.length - 1, Math.max(0, index + delta)));
    },
    addWorker() {},
    removeWorker() {},
  };
  schedule();
  return replay;
}
