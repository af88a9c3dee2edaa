/**
 * The flags of `pipeline-tui worker --broker URL --stream NAME --role consumer|producer [-c N | -p N]
 * [--consumer mod | --producer mod]`, and their translation into a WorkerRequest. Mistakes are
 * UsageErrors (exit 2); the URL's password never appears in one.
 */
import type { Argv } from 'yargs';
import type { RemoteWorkersOptions } from '../broker/remote-workers.js';
import { BROKER_PASSWORD_ENV, brokerArg } from './broker-arg.js';
import { UsageError } from './usage-error.js';

/** What the workers need (remote-workers.ts), and how to report. */
export interface WorkerRequest extends Omit<RemoteWorkersOptions, 'onRows'> {
  command: 'worker';
  json: boolean;
}

export function workerOptions<T>(y: Argv<T>) {
  return y
    .option('broker', {
      type: 'string',
      requiresArg: true,
      describe: `the run's broker: redis://[:password@]host:port (or the password in ${BROKER_PASSWORD_ENV})`,
    })
    .option('stream', { type: 'string', requiresArg: true, describe: "the run's stream (its --stream)" })
    .option('role', {
      type: 'string',
      requiresArg: true,
      describe: "consumer (takes the run's items) or producer (adds items from the run's budget)",
    })
    .option('consumers', {
      alias: 'c',
      requiresArg: true,
      describe: 'consumer threads (1-64)',
      defaultDescription: '1',
    })
    .option('producers', {
      alias: 'p',
      requiresArg: true,
      describe: 'producer threads (1-64)',
      defaultDescription: '1',
    })
    .option('consumer', { type: 'string', requiresArg: true, describe: 'your module exporting consume(item, ctx)' })
    .option('producer', {
      type: 'string',
      requiresArg: true,
      describe: 'your module exporting produce(ctx) → (async) iterable',
    })
    .option('refresh', {
      requiresArg: true,
      describe: "publish on the run's board every this many ms",
      defaultDescription: '1000',
    })
    .example(
      '$0 worker --broker redis://:pw@10.0.0.5:6379 --stream jobs --role consumer -c 4',
      'join a run with 4 consumers',
    )
    .example('$0 worker --broker redis://10.0.0.5 --stream jobs --role producer -p 2', 'add 2 producers to it');
}

/** @throws UsageError */
export function toWorkerRequest(args: Record<string, unknown>): WorkerRequest {
  if (typeof args.broker !== 'string' || args.broker === '')
    throw new UsageError("--broker is required: the URL of the run's broker, e.g. --broker redis://host:6379");
  const address = brokerArg('--broker', args.broker);
  if (typeof args.stream !== 'string' || args.stream === '')
    throw new UsageError("--stream is required: the stream of the run to join (the run's --stream)");
  if (args.role !== 'consumer' && args.role !== 'producer')
    throw new UsageError(`--role must be consumer or producer, got ${JSON.stringify(args.role ?? '')}`);
  const role = args.role;
  const [mine, theirs] =
    role === 'consumer' ? (['consumer', 'producer'] as const) : (['producer', 'consumer'] as const);
  for (const flag of [theirs, `${theirs}s`])
    if (args[flag] !== undefined) throw new UsageError(`--${flag} is for --role ${theirs}, not --role ${role}`);
  const typed = args[`${mine}s`];
  const count = typed === undefined ? 1 : Number(typed);
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new UsageError(`--${mine}s must be an integer from 1 to 64, got ${JSON.stringify(typed)}`);
  const refreshMs = args.refresh === undefined ? 1000 : Number(args.refresh);
  if (!Number.isInteger(refreshMs) || refreshMs < 50 || refreshMs > 60_000)
    throw new UsageError(`--refresh must be an integer from 50 to 60000 (ms), got ${JSON.stringify(args.refresh)}`);
  return {
    command: 'worker',
    address,
    stream: args.stream,
    role,
    count,
    module: args[mine] as string | undefined,
    refreshMs,
    json: Boolean(args.json),
  };
}
