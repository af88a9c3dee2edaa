/**
 * `pipeline-tui run` on a terminal: the pipeline's Snapshot stream drives the Ink dashboard, the
 * dashboard's keys drive the run, and when the run ends the final summary replaces the live view
 * (it stays on screen and in the scrollback) before the process exits.
 */
import { startPipeline } from '../pipeline/run-pipeline.js';
import type { Snapshot } from '../pipeline/types.js';
import { startDashboard, type DashboardHandle } from '../tui/run-dashboard.js';
import { guardRun } from './interrupts.js';
import type { RunRequest } from './parse-args.js';
import { exitCodeFor } from './run-command.js';

export async function runDashboardCommand(request: RunRequest): Promise<number> {
  let ui: DashboardHandle | undefined;
  const run = startPipeline(request.config, { onSnapshot: (snapshot: Snapshot) => ui?.push(snapshot) });
  const guard = guardRun(run);
  ui = startDashboard({ controls: guard.controls, color: request.color, maxFps: Math.min(30, 1000 / request.config.refreshMs) });
  const latest = run.latest();
  if (latest !== undefined) ui.push(latest);
  try {
    const summary = await run.done;
    ui.finish(summary);
    await ui.waitUntilExit();
    return exitCodeFor(summary, guard.aborted);
  } finally {
    guard.dispose();
    ui.unmount();
  }
}
