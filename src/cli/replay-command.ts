/**
 * `pipeline-tui replay run.jsonl [--speed N]`: reads a metrics log and shows it through the same
 * sinks as a live run — the dashboard (space pauses, arrows step, q ends), plain lines, or the
 * JSON summary — ending on the recorded Summary. A log that cannot be read is a UsageError naming
 * the file and line (exit 2); a log cut short (no summary line, or its last line cut mid-write)
 * replays up to its last whole line and exits 4.
 */
import { type MetricsLog, MetricsLogError, readMetricsLog } from '../record/metrics-log.js';
import { startReplay, whereLogEnds } from '../record/replay.js';
import { REPLAY_KEY_MAP } from '../tui/keys.js';
import type { ReplayRequest } from './parse-args.js';
import { presentRun } from './present-run.js';
import { EXIT, UsageError } from './usage-error.js';

export function replayCommand(request: ReplayRequest): Promise<number> {
  let log: MetricsLog;
  try {
    log = readMetricsLog(request.file);
  } catch (error) {
    if (error instanceof MetricsLogError) throw new UsageError(error.message);
    throw error;
  }
  const loaded = log;
  // Said before the replay starts (above the dashboard, apart from --json's stdout): the summary says it too.
  if (loaded.cutAtLine !== undefined) process.stderr.write(`pipeline-tui: ${request.file}: ${whereLogEnds(loaded)}\n`);
  const shown = presentRun((onSnapshot) => startReplay(loaded, { speed: request.speed, onSnapshot }), {
    ...request,
    config: loaded.header.config,
    keys: REPLAY_KEY_MAP,
  });
  // A log without its summary line replays up to where it stops, then says so with its own exit code.
  if (loaded.summary !== undefined) return shown;
  return shown.then((code) => (code === EXIT.aborted ? code : EXIT.cutShort));
}
