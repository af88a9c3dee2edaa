/**
 * `pipeline-tui run`: starts the pipeline and shows it (present-run.ts) — the Ink dashboard on a
 * terminal, plain progress lines otherwise, or nothing but the final JSON — recording it when asked.
 */
import { resolveConfig } from '../pipeline/config.js';
import { startPipeline } from '../pipeline/run-pipeline.js';
import { startingSnapshot } from '../pipeline/starting-snapshot.js';
import { checkUserModules, UserModuleError } from '../pipeline/user-modules.js';
import { presentRun } from './present-run.js';
import type { RunRequest } from './run-args.js';
import { UsageError } from './usage-error.js';

/** Checks the user's modules (exit 2 for a bad one, before any worker starts), then runs. */
export async function runCommand(request: RunRequest): Promise<number> {
  await checkModules(request.config);
  if (request.broker === undefined)
    return presentRun((onSnapshot) => startPipeline(request.config, { onSnapshot, autoscale: request.autoscale }), {
      ...request,
      first: startingSnapshot(request.config),
    });
  return runOnBroker(request, request.broker);
}

/** Checks the user's modules before anything starts: a bad one is a UsageError (exit 2). */
export async function checkModules(config: RunRequest['config']): Promise<void> {
  try {
    await checkUserModules(config);
  } catch (error) {
    if (error instanceof UserModuleError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * A run whose queue is a Redis stream: the broker is reached and the stream taken before anything
 * starts (a broker that cannot be used is one line and exit code 5; a stream that another live run
 * holds, one line and exit code 2), and the run closes the connection at its end.
 */
async function runOnBroker(request: RunRequest, broker: NonNullable<RunRequest['broker']>): Promise<number> {
  // Loaded only here: the Redis client is not needed by any other command.
  const { StreamLink } = await import('../broker/stream-link.js');
  const { StreamBusyError } = await import('../broker/stream-lease.js');
  const link = await StreamLink.open(broker.address, { stream: broker.stream, group: broker.group }).catch(
    (error: unknown) => {
      // Another live run holds the stream: this one was not started (exit 2, as a bad flag).
      throw error instanceof StreamBusyError ? new UsageError(error.message) : error;
    },
  );
  const config = resolveConfig({ ...request.config, broker: link.shown });
  let started = false;
  try {
    return await presentRun(
      (onSnapshot) => {
        started = true;
        return startPipeline(config, { onSnapshot, broker: link, autoscale: request.autoscale });
      },
      { ...request, config, first: startingSnapshot(config) },
    );
  } finally {
    if (!started) await link.disconnect();
  }
}
