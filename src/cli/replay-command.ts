/**
 * `pipeline-tui replay run.jsonl [--speed N]`: reads a metrics log and shows it through the same
 * sinks as a live run — the dashboard (space pauses, arrows step, q ends), plain lines, or the
 * JSON summary — ending on the recorded Summary. A log that cannot be read is a UsageError naming
 * the file and line (exit 2).
 */
import { MetricsLogError, readMetricsLog } from '../record/metrics-log.js';
import { startReplay } from '../record/replay.js';
import { REPLAY_KEYS } from '../tui/keys.js';
import type { ReplayRequest } from './parse-args.js';
import { presentRun } from './present-run.js';
import { UsageError } from './usage-error.js';

export function replayCommand(request: ReplayRequest): Promise<number> {
  let log;
  try {
    log = readMetricsLog(request.file);
  } catch (error) {
    if (error instanceof MetricsLogError) throw new UsageError(error.message);
    throw error;
  }
  const loaded = log;
  return presentRun((onSnapshot) => startReplay(loaded, { speed: request.speed, onSnapshot }), { ...request, config: loaded.header.config, keys: REPLAY_KEYS });
}
