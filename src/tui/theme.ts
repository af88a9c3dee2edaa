/**
 * The dashboard's colours, in one place: plain style functions that return the props a `<Text>`
 * takes. With colour off every function returns `{}`, so the output carries no ANSI styling at
 * all — Ink's chalk does not look at NO_COLOR, so we do it here.
 */
import type { EndedBy, RunState, WorkerState } from '../pipeline/types.js';

/** The subset of Ink `<Text>` props a theme may set. */
export interface Style {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
  inverse?: boolean;
}

/** Style functions for every coloured thing the dashboard draws. */
export interface Theme {
  readonly color: boolean;
  /** The run state badge in the header. */
  runState(state: RunState): Style;
  /** The first line of the final summary, by how the run ended. */
  ending(endedBy: EndedBy): Style;
  /** A worker's state cell. */
  workerState(state: WorkerState): Style;
  /** A fill bar by how full it is (0..1): green, yellow near the top, red when full. */
  fill(fraction: number): Style;
  /** A "% time blocked" bar: the more blocked, the warmer. */
  blocked(fraction: number): Style;
  /** One step of the shutdown line. */
  step(status: 'pending' | 'active' | 'done'): Style;
  /** Section labels ("Queue", "Workers"). */
  label(): Style;
  /** Keys in the key bar and help panel. */
  key(): Style;
  /** Secondary text: units, hints, "+N more". */
  muted(): Style;
  /** Errors. */
  error(): Style;
  /** The queue depth sparkline. */
  depth(): Style;
  /** The produced / consumed sparklines (and the rates of the stages in between). */
  produced(): Style;
  consumed(): Style;
  /** The stage the + and - keys act on. */
  selected(): Style;
  /** The name on the Bottleneck line. */
  bottleneck(): Style;
}

/** Flags that bear on colour; `color: false` is `--no-color`. */
export interface ColorFlags {
  color?: boolean;
}

/**
 * Whether to draw in colour: off with `--no-color`, with NO_COLOR set to anything non-empty
 * (https://no-color.org), or with TERM=dumb; on otherwise.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, flags: ColorFlags = {}): boolean {
  if (flags.color === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return env['TERM'] !== 'dumb';
}

const RUN_STATE: Record<RunState, Style> = {
  starting: { color: 'cyan' },
  running: { color: 'green', bold: true },
  paused: { color: 'yellow', bold: true },
  draining: { color: 'cyan', bold: true },
  'shutting-down': { color: 'magenta', bold: true },
  done: { color: 'green' },
  stopped: { color: 'yellow' },
  aborted: { color: 'red' },
  failed: { color: 'red', bold: true },
  stalled: { color: 'red', bold: true },
};

const ENDING: Record<EndedBy, Style> = {
  completed: { color: 'green', bold: true },
  stopped: { color: 'yellow', bold: true },
  aborted: { color: 'red', bold: true },
  failed: { color: 'red', bold: true },
  stalled: { color: 'red', bold: true },
};

const WORKER_STATE: Record<WorkerState, Style> = {
  starting: { color: 'cyan' },
  producing: { color: 'green' },
  consuming: { color: 'green' },
  'blocked-full': { color: 'yellow' },
  'blocked-empty': { color: 'red' },
  paused: { color: 'blue' },
  done: { dimColor: true },
  failed: { color: 'red', bold: true },
};

const STEP: Record<'pending' | 'active' | 'done', Style> = {
  pending: { dimColor: true },
  active: { color: 'yellow' },
  done: { color: 'green' },
};

const byFraction = (f: number, warm: number, hot: number): Style =>
  f >= hot ? { color: 'red' } : f >= warm ? { color: 'yellow' } : { color: 'green' };

const COLORFUL: Theme = {
  color: true,
  runState: (s) => RUN_STATE[s],
  ending: (e) => ENDING[e],
  workerState: (s) => WORKER_STATE[s],
  fill: (f) => byFraction(f, 0.75, 1),
  blocked: (f) => byFraction(f, 0.25, 0.75),
  step: (s) => STEP[s],
  label: () => ({ bold: true }),
  key: () => ({ color: 'cyan', bold: true }),
  muted: () => ({ dimColor: true }),
  error: () => ({ color: 'red' }),
  depth: () => ({ color: 'blue' }),
  produced: () => ({ color: 'cyan' }),
  consumed: () => ({ color: 'magenta' }),
  selected: () => ({ inverse: true }),
  bottleneck: () => ({ color: 'yellow', bold: true }),
};

const none = (): Style => ({});

const PLAIN: Theme = {
  color: false,
  runState: none,
  ending: none,
  workerState: none,
  fill: none,
  blocked: none,
  step: none,
  label: none,
  key: none,
  muted: none,
  error: none,
  depth: none,
  produced: none,
  consumed: none,
  selected: none,
  bottleneck: none,
};

/** The theme for colour on or off. */
export function createTheme(color: boolean): Theme {
  return color ? COLORFUL : PLAIN;
}
