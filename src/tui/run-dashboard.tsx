/**
 * The dashboard sink of the Snapshot stream: `startDashboard` mounts the Ink app on a terminal,
 * the caller pushes snapshots into it, and `finish(summary)` leaves the final summary on screen
 * and unmounts so the process can exit.
 *
 *   const ui = startDashboard({ controls: run, color });
 *   startPipeline(config, { onSnapshot: ui.push }) … ui.finish(await run.done);
 *   await ui.waitUntilExit();
 */
import { render } from 'ink';
import type { DashboardControls, Snapshot, Summary } from '../pipeline/types.js';
import { App } from './App.js';
import { createDashboardStore } from './dashboard-store.js';
import type { HistoryOptions } from './history.js';
import type { KeyMap } from './keys.js';

export interface DashboardOptions {
  /** Where the keys go (q, Ctrl-C, p, +/-, >/<; arrows in a replay). */
  controls: DashboardControls;
  /** The keys, and what the key bar shows (default: a live run's). */
  keys?: KeyMap;
  /** Colours on or off (see `colorEnabled` in theme.ts). */
  color: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** Most frames drawn per second (default 30); pushes in between are folded into the next. */
  maxFps?: number;
  /** Sparkline history buckets (default 60 of 1 s: the last minute). */
  history?: HistoryOptions;
  /** Drawn in the first frame, written before `startDashboard` returns (else "starting…" until a push). */
  first?: Snapshot | undefined;
}

export interface DashboardHandle {
  /** Shows a snapshot (the latest wins if several come within one frame). Ignored after finish. */
  push(snapshot: Snapshot): void;
  /** Replaces the dashboard with the final summary, which stays on screen, and then unmounts. */
  finish(summary: Summary): void;
  /** Unmounts now, leaving the last frame on screen. Idempotent. */
  unmount(): void;
  /** Resolves once the app has unmounted and its output is written. */
  waitUntilExit(): Promise<void>;
}

const SHOW_CURSOR = '\u001B[?25h';

/** Puts the terminal back: raw mode off, cursor visible. Ink does this too; this is the safety net. */
function restoreTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): void {
  try {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
    if (stdout.isTTY && !stdout.destroyed) stdout.write(SHOW_CURSOR);
  } catch {
    // The process is going away; nothing more to do.
  }
}

/** Mounts the dashboard. Ink handles Ctrl-C through the keys (exitOnCtrlC is off). */
export function startDashboard(options: DashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const maxFps = options.maxFps ?? 30;
  const store = createDashboardStore({ minIntervalMs: maxFps > 0 ? 1000 / maxFps : 0, history: options.history });
  if (options.first !== undefined) store.push(options.first);
  const instance = render(<App store={store} controls={options.controls} color={options.color} keys={options.keys} />, {
    stdout,
    stdin,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: true,
    // The store already paces the frames; Ink's own throttle, at the same rate but another
    // phase, would drop every other one. Twice the rate keeps it as a mere safety net.
    maxFps: maxFps * 2,
  });
  // Ask for the exit promise now: Ink only settles one that exists when it unmounts.
  const exited = instance.waitUntilExit().then(() => undefined);
  exited.catch(() => {});
  const restore = (): void => restoreTerminal(stdin, stdout);
  process.once('exit', restore);
  let mounted = true;
  const unmount = (): void => {
    if (!mounted) return;
    mounted = false;
    store.flush();
    store.dispose();
    instance.unmount();
    process.off('exit', restore);
    restore();
  };
  return {
    push: (snapshot) => store.push(snapshot),
    finish(summary) {
      if (!mounted) return;
      store.finish(summary);
      // React commits the store's update in a later task: unmount after it, or the summary
      // would never be drawn and the last live frame would be what stays on screen.
      setTimeout(unmount, 0);
    },
    unmount,
    waitUntilExit: () => exited,
  };
}
