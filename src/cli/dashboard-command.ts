/** Placeholder: the Ink dashboard. Until it lands, a terminal run prints plain lines. */
import type { RunRequest } from './parse-args.js';
import { runCommand } from './run-command.js';

export function runDashboardCommand(request: RunRequest): Promise<number> {
  return runCommand({ ...request, output: 'plain' });
}
