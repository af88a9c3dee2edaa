/**
 * Ctrl-C for a run, the same for every sink: the first request stops gracefully (producers
 * finish, sentinels go out, the queue drains), the second aborts at once. Requests come from
 * SIGINT (plain and JSON output, or `kill -INT`) and from the dashboard's keys, which in raw
 * mode receive Ctrl-C as input instead of a signal; both go through the same counted controls,
 * so the exit code can tell an aborted run (130) from a stopped one.
 */
import type { DashboardControls } from '../tui/use-keys.js';

export interface GuardedRun {
  /** The run's controls, counting stop/abort requests. Hand these to the dashboard. */
  readonly controls: DashboardControls;
  /** Whether the run was aborted (a second stop request, or abort). */
  readonly aborted: boolean;
  /** Stops listening for SIGINT. */
  dispose(): void;
}

/** Wraps `run` and listens for SIGINT; `onFirstStop` runs once, when a graceful stop is first asked for. */
export function guardRun(run: DashboardControls, onFirstStop: () => void = () => {}): GuardedRun {
  let stops = 0;
  let aborted = false;
  const controls: DashboardControls = {
    stop() {
      if (++stops === 1) {
        onFirstStop();
        run.stop();
      } else controls.abort();
    },
    abort() {
      aborted = true;
      run.abort();
    },
    pause: () => run.pause(),
    resume: () => run.resume(),
    addProducer: () => run.addProducer(),
    removeProducer: () => run.removeProducer(),
    addConsumer: () => run.addConsumer(),
    removeConsumer: () => run.removeConsumer(),
    ...(run.step ? { step: (delta: -1 | 1) => run.step?.(delta) } : {}),
  };
  const onSigint = (): void => controls.stop();
  process.on('SIGINT', onSigint);
  return {
    controls,
    get aborted() {
      return aborted;
    },
    dispose: () => process.off('SIGINT', onSigint),
  };
}
