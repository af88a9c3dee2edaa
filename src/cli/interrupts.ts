/**
 * Stop requests for a run, the same for every sink, and the one place they are counted: the first
 * stops gracefully (producers finish, sentinels go out, the queue drains), the second aborts at
 * once. Requests come from SIGINT, SIGTERM and SIGHUP (what a terminal, a supervisor or a closed
 * ssh session sends), from the dashboard's Ctrl-C (which in raw mode arrives as input instead of a
 * signal: `interrupt()`), and from a stdout that nobody reads any more. `q` (`stop()`) asks for
 * the graceful stop only and never aborts. So the exit code can tell a stopped run (0) from an
 * aborted one (128 + the signal that aborted it: 130 for Ctrl-C).
 */
import type { DashboardControls, RunControls } from '../pipeline/types.js';
import { EXIT } from './usage-error.js';

/** The signals a run takes as stop requests, with their numbers (exit code = 128 + number). */
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof SIGNALS;
/** Who asked for a stop: a signal, a key (q, Ctrl-C in raw mode), or a stdout nobody reads (EPIPE). */
export type StopReason = StopSignal | 'key' | 'output-closed';

/** The exit code of a run aborted by `reason`: 128 + the signal's number, as a shell reports it. */
const abortCodeOf = (reason: StopReason): number =>
  reason === 'key' ? EXIT.aborted : reason === 'output-closed' ? EXIT.outputClosed : 128 + SIGNALS[reason];

export interface GuardedRun {
  /** The run's controls, counting stop requests. Hand these to the dashboard. */
  readonly controls: DashboardControls;
  /** Whether the run was aborted (a second stop request, or abort). */
  readonly aborted: boolean;
  /** The exit code that the request which aborted the run calls for (see abortCodeOf). */
  readonly abortCode: number;
  /** Who asked for the stop first, if anyone did. */
  readonly stoppedBy: StopReason | undefined;
  /** Asks for a stop on behalf of `reason` (the first one graceful, the next one aborting). */
  request(reason: StopReason): void;
  /** Stops listening for the signals. */
  dispose(): void;
}

/** Wraps `run` and listens for the stop signals. `onFirstStop` runs once, when a graceful stop is first asked for. */
export function guardRun(run: RunControls, onFirstStop: (reason: StopReason) => void = () => {}): GuardedRun {
  let stops = 0;
  let stoppedBy: StopReason | undefined;
  let abortCode: number | undefined;
  const abort = (code: number): void => {
    abortCode ??= code;
    run.abort();
  };
  const stop = (reason: StopReason): void => {
    // A closed stdout only asks for the stop nobody asked for yet: after a SIGHUP the terminal's
    // writes fail too, and that must not turn the graceful stop the signal began into an abort.
    if (reason === 'output-closed' && stops > 0) return;
    // A terminal that goes away sends SIGHUP and fails the writes to it (EIO), in either order:
    // one event, and the SIGHUP is the stop the run was asked for (exit 0), not a second one.
    if (reason === 'SIGHUP' && stops === 1 && stoppedBy === 'output-closed') {
      stoppedBy = reason;
      return;
    }
    if (++stops === 1) {
      stoppedBy = reason;
      onFirstStop(reason);
      run.stop();
    } else abort(abortCodeOf(reason));
  };
  const controls: DashboardControls = {
    stop: () => {
      if (stops === 0) stop('key');
    },
    interrupt: () => stop('key'),
    abort: () => abort(EXIT.aborted),
    pause: () => run.pause(),
    resume: () => run.resume(),
    addWorker: (stage) => run.addWorker(stage),
    removeWorker: (stage) => run.removeWorker(stage),
    ...(run.step ? { step: (delta: -1 | 1) => run.step?.(delta) } : {}),
  };
  const handlers = (Object.keys(SIGNALS) as StopSignal[]).map((signal) => {
    const handler = (): void => stop(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    controls,
    get aborted() {
      return abortCode !== undefined;
    },
    get abortCode() {
      return abortCode ?? EXIT.aborted;
    },
    get stoppedBy() {
      return stoppedBy;
    },
    request: stop,
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
