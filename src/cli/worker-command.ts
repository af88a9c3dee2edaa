/**
 * `pipeline-tui worker`: joins the run announced on a stream from another process or machine. It
 * prints a line per refresh (its workers, their states and counts) and a last line when its
 * consumers have taken their sentinels; with --json, only the final rows as JSON. Exit codes: 0
 * every consumer took its sentinel, 1 one failed, 2 bad input or no run to join, 5 the broker
 * cannot be used.
 */

import type { RemoteWorkerRow } from '../broker/remote-board.js';
import { NoRunError, runRemoteConsumers } from '../broker/remote-consumers.js';
import { checkUserModules, UserModuleError } from '../pipeline/user-modules.js';
import { count, duration } from '../tui/format.js';
import { EXIT, UsageError } from './usage-error.js';
import type { WorkerRequest } from './worker-args.js';

const describeRows = (rows: readonly RemoteWorkerRow[]): string =>
  rows.map((r) => `${r.id} ${r.state} ${count(r.items)}${r.error === undefined ? '' : ` (${r.error})`}`).join(', ');

export async function workerCommand(request: WorkerRequest): Promise<number> {
  if (request.consumer !== undefined) {
    try {
      await checkUserModules({ producer: undefined, consumer: request.consumer, stages: [] });
    } catch (error) {
      if (error instanceof UserModuleError) throw new UsageError(error.message);
      throw error;
    }
  }
  const started = performance.now();
  try {
    const { rows, failed } = await runRemoteConsumers({
      ...request,
      onRows: (r) => {
        if (!request.json) process.stdout.write(`[${duration(performance.now() - started)}]  ${describeRows(r)}\n`);
      },
    });
    if (request.json) process.stdout.write(`${JSON.stringify({ stream: request.stream, workers: rows }, null, 2)}\n`);
    else
      process.stdout.write(
        `Worker ${failed ? 'FAILED' : 'done'} in ${duration(performance.now() - started)}: ${describeRows(rows)}\n`,
      );
    return failed ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (error instanceof NoRunError) throw new UsageError(error.message);
    throw error;
  }
}
