/**
 * `pipeline-tui tune`: runs the trials (src/pipeline/tune.ts), a line as each ends, then prints the
 * report (tune-report.ts) or, with --json, the trials and the recommendation. Ctrl-C (or SIGTERM)
 * ends the trial under way and reports what was measured so far.
 */
import { tune } from '../pipeline/tune.js';
import { checkModules } from './run-command.js';
import type { TuneRequest } from './tune-args.js';
import { formatTuneReport, trialLine, workloadFlags } from './tune-report.js';
import { EXIT } from './usage-error.js';

export async function tuneCommand(request: TuneRequest): Promise<number> {
  await checkModules(request.config);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let n = 0;
  try {
    if (!request.json)
      process.stdout.write(`Tuning for at most ${request.budgetMs / 1000}s (--budget); Ctrl-C stops early.\n`);
    const report = await tune(request.config, {
      budgetMs: request.budgetMs,
      signal: stop.signal,
      onTrial: (trial) => {
        n++;
        if (!request.json) process.stdout.write(`${trialLine(request.config, trial, n)}\n`);
      },
    });
    const command = `pipeline-tui ${[...workloadFlags(request.config), report.flags].join(' ')}`;
    if (request.json) process.stdout.write(`${JSON.stringify({ ...report, command }, null, 2)}\n`);
    else process.stdout.write(`\n${formatTuneReport(request.config, report)}\n`);
    const failed = report.trials.find((t) => t.endedBy === 'failed' || t.endedBy === 'stalled');
    if (failed !== undefined) {
      process.stderr.write(`pipeline-tui: tune: a trial failed: ${failed.error ?? failed.endedBy}\n`);
      return EXIT.failed;
    }
    return report.ended === 'aborted' ? EXIT.aborted : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
