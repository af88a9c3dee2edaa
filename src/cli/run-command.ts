/**
 * `pipeline-tui run`: starts the pipeline and connects its Snapshot stream to the chosen sink —
 * the Ink dashboard on a terminal, plain progress lines otherwise, or nothing but the final JSON.
 */
import { startPipeline } from '../pipeline/run-pipeline.js';
import type { Snapshot, Summary } from '../pipeline/types.js';
import { formatProgressLine, formatSummary, summaryJson } from '../tui/plain.js';
import type { RunRequest } from './parse-args.js';
import { EXIT } from './usage-error.js';
import { guardRun } from './interrupts.js';

/** The exit code for how a run ended. */
export function exitCodeFor(summary: Summary, aborted: boolean): number {
  if (summary.endedBy === 'failed') return EXIT.failed;
  if (summary.endedBy === 'stalled') return EXIT.stalled;
  return aborted ? EXIT.aborted : EXIT.ok;
}

export async function runCommand(request: RunRequest): Promise<number> {
  if (request.output === 'dashboard') {
    const { runDashboardCommand } = await import('./dashboard-command.js');
    return runDashboardCommand(request);
  }
  let lastLine = -Infinity;
  const onSnapshot = (snapshot: Snapshot): void => {
    if (request.output !== 'plain' || snapshot.t - lastLine < 1000) return;
    lastLine = snapshot.t;
    process.stdout.write(formatProgressLine(snapshot) + '\n');
  };
  const run = startPipeline(request.config, { onSnapshot });
  const guard = guardRun(run, () => process.stderr.write('pipeline-tui: stopping gracefully (Ctrl-C again to abort)\n'));
  const summary = await run.done;
  guard.dispose();
  process.stdout.write(request.output === 'json' ? summaryJson(summary) + '\n' : formatSummary(summary) + '\n');
  return exitCodeFor(summary, guard.aborted);
}
