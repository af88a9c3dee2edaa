/**
 * `pipeline-tui worker`: joins the run announced on a stream from another process or machine. It
 * prints a line per refresh (its workers, their states and counts) and a last line when its
 * workers have stopped — consumers at their sentinels, producers at the end of the run's budget or
 * of the run; with --json, only the final rows as JSON. Exit codes: 0 every worker ended well,
 * 1 one failed, 2 bad input or no run to join, 5 the broker cannot be used.
 */

import type { RemoteWorkerRow } from '../broker/remote-board.js';
import { NoRunError, runRemoteWorkers } from '../broker/remote-workers.js';
import { checkUserModules, UserModuleError } from '../pipeline/user-modules.js';
import { count, duration } from '../tui/format.js';
import { EXIT, UsageError } from './usage-error.js';
import type { WorkerRequest } from './worker-args.js';

const describeRows = (rows: readonly RemoteWorkerRow[]): string =>
  rows.map((r) => `${r.id} ${r.state} ${count(r.items)}${r.error === undefined ? '' : ` (${r.error})`}`).join(', ');

export async function workerCommand(request: WorkerRequest): Promise<number> {
  if (request.module !== undefined) {
    const consumer = request.role === 'consumer' ? request.module : undefined;
    const producer = request.role === 'producer' ? request.module : undefined;
    try {
      await checkUserModules({ producer, consumer, stages: [] });
    } catch (error) {
      if (error instanceof UserModuleError) throw new UsageError(error.message);
      throw error;
    }
  }
  const started = performance.now();
  try {
    const { rows, failed } = await runRemoteWorkers({
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
