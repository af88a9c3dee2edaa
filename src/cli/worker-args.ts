/**
 * The flags of `pipeline-tui worker --broker URL --stream NAME --role consumer|producer|stage
 * [-c N | -p N | -w N] [--consumer mod | --producer mod | --stage mod] [--wait-ms MS] [--keep]`,
 * and their translation into a WorkerRequest. Mistakes are UsageErrors (exit 2); the URL's
 * password never appears in one.
 */
import type { Argv } from 'yargs';
import type { RemoteWorkersOptions } from '../broker/remote-workers.js';
import { ConfigError, resolveConfig } from '../pipeline/config.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { BROKER_PASSWORD_ENV, brokerArg } from './broker-arg.js';
import { UsageError } from './usage-error.js';

/** What the workers need (remote-workers.ts), how long to wait for a run, and how to report. */
export interface WorkerRequest extends Omit<RemoteWorkersOptions, 'onRows'> {
  command: 'worker';
  /** Longest wait for a run to join, each time (undefined: forever; 0: join one running now, or exit 2). */
  waitMs: number | undefined;
  /** Stay after a run, for the next one on the stream. */
  keep: boolean;
  json: boolean;
}

const EPILOG = [
  'A worker started before its run waits for one to be announced on the stream, joins it, and with',
  '--keep stays for the next one: start a fleet once, then runs come and go.',
  'SIGTERM, SIGINT or SIGHUP: its workers finish the item in hand, give back the entries they read',
  'ahead, leave the consumer group, and it exits 0; a second one aborts (128 + the signal).',
  'Exit codes: 0 every worker ended well (or left when asked), 1 one failed or the broker was lost',
  '  for more than 15 s, 2 bad input, or no run to join within --wait-ms, 5 the broker cannot be used.',
].join('\n');

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
      describe:
        "consumer (takes the run's items), producer (adds items from the run's budget), " +
        "or stage (works in the run's stage named as --stage's module is)",
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
    .option('workers', {
      alias: 'w',
      requiresArg: true,
      describe: 'stage worker threads (1-64)',
      defaultDescription: '1',
    })
    .option('stage', {
      type: 'string',
      requiresArg: true,
      describe: "your module exporting transform(item, ctx): joins the run's stage of its file name",
    })
    .option('consumer', { type: 'string', requiresArg: true, describe: 'your module exporting consume(item, ctx)' })
    .option('producer', {
      type: 'string',
      requiresArg: true,
      describe: 'your module exporting produce(ctx) → (async) iterable',
    })
    .option('consume-ms', {
      requiresArg: true,
      describe: "work per consumed item (ms) of the built-in workload, here instead of the run's",
    })
    .option('produce-ms', {
      requiresArg: true,
      describe: "work per produced item (ms) of the built-in workload, here instead of the run's",
    })
    .option('work', {
      type: 'string',
      requiresArg: true,
      describe: "sleep or spin: the built-in workload's kind of work, here instead of the run's",
    })
    .option('wait-ms', {
      requiresArg: true,
      describe: 'wait this long for a run to be announced (0: join one running now, or exit 2)',
      defaultDescription: 'forever',
    })
    .option('keep', {
      type: 'boolean',
      default: false,
      describe: 'after a run, stay and join the next one on the stream',
    })
    .option('refresh', {
      requiresArg: true,
      describe: "print a progress line and publish on the run's board every this many ms",
      defaultDescription: '1000',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'one JSON line per run served (its rows), instead of progress lines',
    })
    .example(
      '$0 worker --broker redis://:pw@10.0.0.5:6379 --stream jobs --role consumer -c 4',
      'join a run with 4 consumers',
    )
    .example('$0 worker --broker redis://10.0.0.5 --stream jobs --role producer -p 2', 'add 2 producers to it')
    .example(
      '$0 worker --broker redis://10.0.0.5 --stream jobs --role stage --stage ./keep-odd.mjs -w 2',
      'add 2 workers to its keep-odd stage',
    )
    .example(
      '$0 worker --broker redis://10.0.0.5 --stream jobs --role consumer -c 4 --keep',
      'a service: wait for runs and serve each, until SIGTERM',
    )
    .epilog(EPILOG);
}

/** `--consume-ms`, `--produce-ms`, `--work`: checked as `run` checks them (same words). @throws UsageError */
function workloadFlag<K extends 'produceMs' | 'consumeMs' | 'work'>(
  key: K,
  typed: unknown,
): PipelineConfig[K] | undefined {
  if (typed === undefined) return undefined;
  try {
    return resolveConfig({ [key]: typed })[key];
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** @throws UsageError */
export function toWorkerRequest(args: Record<string, unknown>): WorkerRequest {
  if (typeof args.broker !== 'string' || args.broker === '')
    throw new UsageError("--broker is required: the URL of the run's broker, e.g. --broker redis://host:6379");
  const address = brokerArg('--broker', args.broker);
  if (typeof args.stream !== 'string' || args.stream === '')
    throw new UsageError("--stream is required: the stream of the run to join (the run's --stream)");
  if (args.role !== 'consumer' && args.role !== 'producer' && args.role !== 'stage')
    throw new UsageError(`--role must be consumer, producer or stage, got ${JSON.stringify(args.role ?? '')}`);
  const role = args.role;
  // Each role's flags (by the key yargs parses each into): the others' are refused.
  const flags = {
    producer: { producer: 'producer', producers: 'producers', 'produce-ms': 'produceMs' },
    consumer: { consumer: 'consumer', consumers: 'consumers', 'consume-ms': 'consumeMs' },
    stage: { stage: 'stage', workers: 'workers' },
  } as const;
  for (const other of ['producer', 'consumer', 'stage'] as const) {
    if (other === role) continue;
    for (const [flag, key] of Object.entries(flags[other]))
      if (args[key] !== undefined) throw new UsageError(`--${flag} is for --role ${other}, not --role ${role}`);
  }
  const [moduleKey, countKey] = Object.keys(flags[role]) as [string, string];
  if (role === 'stage' && (typeof args.stage !== 'string' || args.stage === ''))
    throw new UsageError(
      "--role stage needs --stage: the stage's module, named as the run's stage is (./keep-odd.mjs)",
    );
  const typed = args[countKey];
  const count = typed === undefined ? 1 : Number(typed);
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new UsageError(`--${countKey} must be an integer from 1 to 64, got ${JSON.stringify(typed)}`);
  const refreshMs = args.refresh === undefined ? 1000 : Number(args.refresh);
  if (!Number.isInteger(refreshMs) || refreshMs < 50 || refreshMs > 60_000)
    throw new UsageError(`--refresh must be an integer from 50 to 60000 (ms), got ${JSON.stringify(args.refresh)}`);
  const waitMs = args.waitMs === undefined ? undefined : Number(args.waitMs);
  if (waitMs !== undefined && (!Number.isInteger(waitMs) || waitMs < 0))
    throw new UsageError(
      `--wait-ms must be an integer of 0 or more (ms; 0: do not wait for a run), got ${JSON.stringify(args.waitMs)}`,
    );
  const workload = {
    ...(role === 'consumer' ? { consumeMs: workloadFlag('consumeMs', args.consumeMs) } : {}),
    ...(role === 'producer' ? { produceMs: workloadFlag('produceMs', args.produceMs) } : {}),
    work: workloadFlag('work', args.work),
  };
  return {
    command: 'worker',
    address,
    stream: args.stream,
    role,
    count,
    module: args[moduleKey] as string | undefined,
    // Only what was typed: the run's own workload fills in the rest when the worker joins it.
    workload: Object.fromEntries(Object.entries(workload).filter(([, v]) => v !== undefined)),
    refreshMs,
    waitMs,
    keep: Boolean(args.keep),
    json: Boolean(args.json),
  };
}
