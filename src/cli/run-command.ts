/**
 * `pipeline-tui run`: starts the pipeline and shows it (present-run.ts) — the Ink dashboard on a
 * terminal, plain progress lines otherwise, or nothing but the final JSON — recording it when asked.
 */
import { startPipeline } from '../pipeline/run-pipeline.js';
import { checkUserModules, UserModuleError } from '../pipeline/user-modules.js';
import type { RunRequest } from './parse-args.js';
import { presentRun } from './present-run.js';
import { UsageError } from './usage-error.js';

/** Checks the user's modules (exit 2 for a bad one, before any worker starts), then runs. */
export async function runCommand(request: RunRequest): Promise<number> {
  try {
    await checkUserModules(request.config);
  } catch (error) {
    if (error instanceof UserModuleError) throw new UsageError(error.message);
    throw error;
  }
  return presentRun((onSnapshot) => startPipeline(request.config, { onSnapshot }), request);
}
