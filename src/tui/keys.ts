/**
 * What each key does — one list read by the key bar, the help panel and the input hook. The
 * key bar names the selected stage in place of "producers" on `+/-` (KeyBar's `selected`).
 */

export interface KeyHelp {
  /** The key(s) as shown. */
  keys: string;
  /** A word or two for the key bar. */
  short: string;
  /** A sentence for the help panel. */
  long: string;
  /** The key bar's word while paused, when it differs ("resume"). */
  pausedShort?: string;
}

export const KEYS: readonly KeyHelp[] = [
  { keys: 'q', short: 'stop', long: 'graceful stop: producers finish, one sentinel per consumer, the queue drains' },
  {
    keys: '^C',
    short: 'twice aborts',
    long: 'Ctrl-C: the first press stops gracefully like q, the second aborts at once',
  },
  { keys: 'p', short: 'pause', pausedShort: 'resume', long: 'pause / resume every worker' },
  {
    keys: 'tab',
    short: 'stage',
    long: 'select the next stage (↑/↓ and shift-tab too): + and - act on it; it is marked ▸',
  },
  {
    keys: '+/-',
    short: 'producers',
    long: 'add / remove a worker of the selected stage (a removed one is sent a sentinel)',
  },
  { keys: '>/<', short: 'consumers', long: 'add / remove a consumer, whichever stage is selected' },
  { keys: '?', short: 'help', long: 'show / hide this help' },
];

/** The keys of a replay (`pipeline-tui replay`): the same screen, a different remote. */
export const REPLAY_KEYS: readonly KeyHelp[] = [
  { keys: 'space', short: 'pause', pausedShort: 'play', long: 'pause / resume the replay (p too)' },
  { keys: '←/→', short: 'step', long: 'while paused: one snapshot back / forward' },
  { keys: 'q', short: 'quit', long: "end the replay here and show the run's summary" },
  { keys: '?', short: 'help', long: 'show / hide this help' },
];

/**
 * A dashboard's keys: what its key bar and help panel show, and whether Tab selects a stage for
 * + and - to act on (a live run's workers can be added and removed; a recording's cannot).
 */
export interface KeyMap {
  readonly help: readonly KeyHelp[];
  readonly selectsStages: boolean;
}

export const RUN_KEY_MAP: KeyMap = { help: KEYS, selectsStages: true };
export const REPLAY_KEY_MAP: KeyMap = { help: REPLAY_KEYS, selectsStages: false };

/** The colour legend under the keys in the help panel. */
export const LEGEND: readonly string[] = [
  'producing / consuming: working on an item, or moving it through the queue',
  'blocked-full: a producer waits for room (queue full) — a stage after it is the bottleneck',
  'blocked-empty: a consumer waits for items (queue empty) — a stage before it is the bottleneck',
  'blocked %: share of the last second spent waiting on a queue (in: for items, out: for room)',
  'Bottleneck: the stage that holds the others back, named once the evidence has held for a second',
];

/** The keys of `watch` (read-only: nothing to pause or resize). */
export const WATCH_KEYS: readonly KeyHelp[] = [
  { keys: 'q', short: 'quit', long: 'stop watching' },
  { keys: '^C', short: 'quit', long: 'stop watching' },
];
