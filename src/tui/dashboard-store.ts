/**
 * The dashboard's state, kept outside React (as Gatsby's reporter does): the latest Snapshot,
 * the sparkline history folded from every snapshot pushed, and the Summary once the run ends.
 * The view reads it with `useSyncExternalStore`, so one push is one state update, and
 * subscribers are told at most once per `minIntervalMs` — a burst of pushes (a fast replay)
 * renders only the latest, while the history still sees every snapshot.
 */
import type { Snapshot, Summary } from '../pipeline/types.js';
import { emptyHistory, type History, type HistoryOptions, pushHistory } from './history.js';

export interface DashboardState {
  readonly snapshot: Snapshot | undefined;
  readonly history: History;
  /** Set by `finish`; the view then shows the final summary. */
  readonly summary: Summary | undefined;
}

export interface DashboardStore {
  getState(): DashboardState;
  subscribe(listener: () => void): () => void;
  /** Folds in one snapshot. Ignored after `finish`. */
  push(snapshot: Snapshot): void;
  /** The run ended: stores its summary and tells subscribers at once. Later pushes are ignored. */
  finish(summary: Summary): void;
  /** Tells subscribers now about a change still held back by the rate limit. */
  flush(): void;
  /** Cancels a pending notification timer. */
  dispose(): void;
}

export interface DashboardStoreOptions {
  /** Least time between two notifications, in ms (default 0: every push notifies). */
  minIntervalMs?: number;
  history?: HistoryOptions;
  /** Clock for the rate limit (default `performance.now`). */
  now?: () => number;
}

/** A new, empty dashboard store. */
export function createDashboardStore(options: DashboardStoreOptions = {}): DashboardStore {
  const minInterval = options.minIntervalMs ?? 0;
  const now = options.now ?? (() => performance.now());
  const listeners = new Set<() => void>();
  let state: DashboardState = { snapshot: undefined, history: emptyHistory(options.history), summary: undefined };
  let lastNotified = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;

  const notify = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    dirty = false;
    lastNotified = now();
    for (const listener of [...listeners]) listener();
  };

  const changed = (): void => {
    dirty = true;
    if (minInterval <= 0) {
      notify();
      return;
    }
    if (timer !== undefined) return;
    const wait = lastNotified + minInterval - now();
    if (wait <= 0) {
      notify();
      return;
    }
    timer = setTimeout(notify, wait);
    timer.unref?.();
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(snapshot) {
      if (state.summary !== undefined) return;
      state = { snapshot, history: pushHistory(state.history, snapshot), summary: undefined };
      changed();
    },
    finish(summary) {
      if (state.summary !== undefined) return;
      state = { ...state, summary };
      notify();
    },
    flush() {
      if (dirty) notify();
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
