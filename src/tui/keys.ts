/** What each key does — one list read by the key bar, the help panel and the input hook. */

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
  { keys: '+/-', short: 'producers', long: 'add / remove a producer' },
  { keys: '>/<', short: 'consumers', long: 'add / remove a consumer (a removed consumer is sent a sentinel)' },
  { keys: '?', short: 'help', long: 'show / hide this help' },
];

/** The keys of a replay (`pipeline-tui replay`): the same screen, a different remote. */
export const REPLAY_KEYS: readonly KeyHelp[] = [
  { keys: 'space', short: 'pause', pausedShort: 'play', long: 'pause / resume the replay (p too)' },
  { keys: '←/→', short: 'step', long: 'while paused: one snapshot back / forward' },
  { keys: 'q', short: 'quit', long: "end the replay here and show the run's summary" },
  { keys: '?', short: 'help', long: 'show / hide this help' },
];

/** The colour legend under the keys in the help panel. */
export const LEGEND: readonly string[] = [
  'producing / consuming: working on an item, or moving it through the queue',
  'blocked-full: a producer waits for room (queue full) — consumers are the bottleneck',
  'blocked-empty: a consumer waits for items (queue empty) — producers are the bottleneck',
  'blocked %: share of the last few seconds spent waiting on the queue',
];

/** The keys of `watch` (read-only: nothing to pause or resize). */
export const WATCH_KEYS: readonly KeyHelp[] = [
  { keys: 'q', short: 'quit', long: 'stop watching' },
  { keys: '^C', short: 'quit', long: 'stop watching' },
];
