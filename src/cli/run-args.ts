/**
 * The run's flags: their yargs definitions (for `run` and the stories `demo` runs), and their
 * translation into a validated pipeline configuration. Every mistake becomes a UsageError (one line
 * naming the flag and what it accepts).
 */
import type { Argv } from 'yargs';
import type { BrokerAddress } from '../broker/broker-url.js';
import { CLAIM_IDLE_MS, DEFAULT_GROUP } from '../broker/defaults.js';
import type { AutoscaleOptions } from '../pipeline/autoscale.js';
import { DEFAULT_STAGE_WORKERS, stageName } from '../pipeline/chain.js';
import { ConfigError, DEFAULTS, MAX_WORKERS_PER_ROLE, resolveConfig } from '../pipeline/config.js';
import type { PipelineConfig, StageConfig } from '../pipeline/types.js';
import { autoscaleArg, autoscaleOption } from './autoscale-arg.js';
import { BROKER_PASSWORD_ENV, brokerArg } from './broker-arg.js';
import { parseDuration } from './duration.js';
import { type OutputMode, outputOf } from './output-mode.js';
import { UsageError } from './usage-error.js';

export interface RunRequest {
  command: 'run';
  config: PipelineConfig;
  output: OutputMode;
  color: boolean;
  /** asciicast v2 file to record the dashboard into (`--record`). */
  record?: string | undefined;
  /** JSONL metrics log to write (`--metrics`). */
  metrics?: string | undefined;
  /** `--broker URL --stream NAME [--group G]`: where (password and all: never shown), which stream. */
  broker?: { address: BrokerAddress; stream: string; group: string } | undefined;
  /** `--autoscale[=MAX]`: true for the default bound, or the most workers in all. */
  autoscale?: AutoscaleOptions | true | undefined;
}

/**
 * A run flag: no yargs default (resolveConfig fills DEFAULTS in, so the parsed flags are exactly
 * what the user typed and a story's preset is not overridden by a default) and no `number` type
 * (yargs would turn `-p abc` into NaN; untyped, numbers still parse and anything else stays the
 * text the user typed, for the message). The default is shown in --help all the same.
 */
const runFlag = (describe: string, group: string, shown?: unknown, alias?: string) => ({
  describe,
  group,
  requiresArg: true,
  ...(alias !== undefined ? { alias } : {}),
  ...(shown !== undefined ? { defaultDescription: String(shown) } : {}),
});

/** The flags of `run` (and of the stories `demo` runs): the pipeline, its workload, your code. */
export function runOptions<T>(y: Argv<T>) {
  const d = DEFAULTS;
  const [P, W, Y, B, O] = ['Pipeline:', 'Workload:', 'Your code:', 'Across machines:', 'Output:'];
  return y
    .option('producers', runFlag('producer workers (1-64)', P, d.producers, 'p'))
    .option('consumers', runFlag('consumer workers (1-64)', P, d.consumers, 'c'))
    .option('capacity', runFlag('queue capacity in items', P, d.capacity, 'q'))
    .option('items', runFlag('items in total (caps --producer only if given)', P, '3000, built-in', 'n'))
    .option('duration', { ...runFlag('produce for this long instead (30, 30s, 1.5m, 500ms)', P), type: 'string' })
    .option('shutdown', {
      ...runFlag('how consumers stop: sentinel (one per consumer, queued behind the items) or close', P, d.shutdown),
      type: 'string',
    })
    .option('pool', runFlag('consumers share N connections: at most N consume at once (a BoundedSemaphore)', P))
    .option('autoscale', autoscaleOption(P))
    .option('rate', runFlag('items/s limit per producer', W))
    .option('produce-ms', runFlag('work per produced item (ms)', W, d.produceMs))
    .option('consume-ms', runFlag('work per consumed item (ms)', W, d.consumeMs))
    .option('jitter', runFlag('random variation of the work, 0-1 (0.3 = ±30%)', W, d.jitter))
    .option('work', { ...runFlag('sleep (a thread waiting on I/O) or spin (burning CPU)', W, d.work), type: 'string' })
    .option('seed', runFlag('seed for reproducible jitter', W, d.seed))
    .option('producer', { ...runFlag('your module exporting produce(ctx) → (async) iterable', Y), type: 'string' })
    .option('consumer', { ...runFlag('your module exporting consume(item, ctx)', Y), type: 'string' })
    .option('stage', {
      ...runFlag(
        `module[=N]: a stage of N workers (default ${DEFAULT_STAGE_WORKERS}) between producers and consumers, ` +
          'each item through its transform(item, ctx) (undefined drops it); repeat it for a chain, in order',
        Y,
      ),
      type: 'string',
    })
    .option('broker', {
      ...runFlag(
        'the queue on a Redis stream: redis://[:password@]host:port[/db], rediss:// for TLS ' +
          `(or the password in ${BROKER_PASSWORD_ENV}, kept out of argv)`,
        B,
      ),
      type: 'string',
    })
    .option('stream', { ...runFlag("the stream's name (with --broker)", B), type: 'string' })
    .option('group', { ...runFlag('its consumer group', B, DEFAULT_GROUP), type: 'string' })
    .option('refresh', runFlag('refresh interval (ms)', O, d.refreshMs))
    .option('stall-ms', runFlag('end as "stalled" if no item moves this long', O, d.stallMs));
}

type Parsed = Record<string, unknown>;

const asNumber = (v: unknown): number | undefined => (v === undefined ? undefined : (v as number));

/** One `--stage module[=N]`, as typed. @throws UsageError */
export function parseStage(typed: string): StageConfig {
  const at = typed.lastIndexOf('=');
  const module = at === -1 ? typed : typed.slice(0, at);
  const count = at === -1 ? String(DEFAULT_STAGE_WORKERS) : typed.slice(at + 1);
  const workers = Number(count);
  if (module === '' || !/^\d+$/.test(count) || workers < 1 || workers > MAX_WORKERS_PER_ROLE) {
    throw new UsageError(
      `--stage must be module[=N] with N from 1 to ${MAX_WORKERS_PER_ROLE}, got ${JSON.stringify(typed)}`,
    );
  }
  return { module, name: stageName(module), workers };
}

/** Every `--stage`, in the order given (yargs hands over one as a string, several as an array). */
function stagesOf(value: unknown): StageConfig[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => parseStage(String(v)));
}

/** `--broker`, `--stream`, `--group`: both of the first two, or neither. @throws UsageError */
function brokerOf(args: Parsed): RunRequest['broker'] {
  const { broker, stream, group } = args;
  if (broker === undefined && stream === undefined && group === undefined) return undefined;
  if (typeof broker !== 'string' || broker === '')
    throw new UsageError(
      '--stream and --group need --broker: the URL of a Redis server, e.g. --broker redis://host:6379',
    );
  const address = brokerArg('--broker', broker);
  if (typeof stream !== 'string' || stream === '')
    throw new UsageError(
      '--broker needs --stream: the name of the stream the run uses as its queue, e.g. --stream jobs',
    );
  if (group !== undefined && (typeof group !== 'string' || group === ''))
    throw new UsageError('--group needs the name of a consumer group');
  return { address, stream, group: (group as string | undefined) ?? DEFAULT_GROUP };
}

/** Turns parsed flags into a run request. @throws UsageError */
export function toRunRequest(args: Parsed, stdoutIsTTY: boolean): RunRequest {
  const broker = brokerOf(args);
  const input: Partial<PipelineConfig> = {
    producers: asNumber(args.producers),
    consumers: asNumber(args.consumers),
    capacity: asNumber(args.capacity),
    items: asNumber(args.items),
    durationMs: args.duration === undefined ? undefined : parseDuration('--duration', args.duration as string),
    rate: asNumber(args.rate),
    produceMs: asNumber(args.produceMs),
    consumeMs: asNumber(args.consumeMs),
    jitter: asNumber(args.jitter),
    work: args.work as PipelineConfig['work'],
    producer: args.producer as string | undefined,
    consumer: args.consumer as string | undefined,
    shutdown: args.shutdown as PipelineConfig['shutdown'],
    refreshMs: asNumber(args.refresh),
    seed: asNumber(args.seed),
    stallMs: asNumber(args.stallMs),
    stages: stagesOf(args.stage),
    pool: asNumber(args.pool),
    // Checked with the rest here (what a stream cannot do); the link's own replaces it once it opens.
    broker: broker && {
      ...{ address: broker.address.shown, stream: broker.stream, group: broker.group },
      claimIdleMs: CLAIM_IDLE_MS,
    },
  };
  let config: PipelineConfig;
  try {
    config = resolveConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const autoscale = autoscaleArg(args.autoscale, config);
  return { command: 'run', config, broker, ...(autoscale ? { autoscale } : {}), ...outputOf(args, stdoutIsTTY) };
}
