/**
 * `pipeline-tui run`: starts the pipeline and shows it (present-run.ts) — the Ink dashboard on a
 * terminal, plain progress lines otherwise, or nothing but the final JSON — recording it when asked.
 */
import { startPipeline } from '../pipeline/run-pipeline.js';
import type { RunRequest } from './parse-args.js';
import { presentRun } from './present-run.js';

export function runCommand(request: RunRequest): Promise<number> {
  return presentRun((onSnapshot) => startPipeline(request.config, { onSnapshot }), request);
}
