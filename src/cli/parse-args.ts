/**
 * The command line: yargs definitions, and the translation of flags into a validated pipeline
 * configuration. Every mistake becomes a UsageError (one line naming the flag and what it accepts).
 */
import yargs, { type Argv } from 'yargs';
import { ConfigError, DEFAULTS, FLAGS, resolveConfig } from '../pipeline/config.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { colorEnabled } from '../tui/theme.js';
import { parseDuration } from './duration.js';
import { UsageError } from './usage-error.js';

export type OutputMode = 'dashboard' | 'plain' | 'json';

export interface RunRequest {
  command: 'run';
  config: PipelineConfig;
  output: OutputMode;
  color: boolean;
  /** asciicast v2 file to record the dashboard into (`--record`). */
  record?: string | undefined;
  /** JSONL metrics log to write (`--metrics`). */
  metrics?: string | undefined;
}

/** `pipeline-tui replay <file> [--speed N]`. */
export interface ReplayRequest {
  command: 'replay';
  file: string;
  speed: number;
  output: OutputMode;
  color: boolean;
  record?: string | undefined;
  metrics?: string | undefined;
}

const EXAMPLES: Array<[string, string]> = [
  ['$0', 'a balanced run: 2 producers, 3 consumers, 3000 items'],
  ['$0 -p 4 -c 1 --consume-ms 10', 'a slow consumer: watch the queue fill and producers block'],
  ['$0 -p 1 -c 6 --produce-ms 10', 'fast consumers: the queue stays empty, consumers starve'],
  ['$0 --duration 30s --rate 200', '30 seconds at 200 items/s per producer'],
  ['$0 --producer ./producer.mjs --consumer ./consumer.mjs', 'your own producer and consumer modules'],
  ['$0 -n 100000 --produce-ms 0 --consume-ms 0 --json', 'flat out, headless, summary as JSON'],
  ['$0 --record run.cast --metrics run.jsonl', 'record the dashboard (asciicast) and the metrics (JSONL)'],
  ['$0 replay run.jsonl --speed 4', 'replay a recorded run at 4x speed'],
];

/** The flags of `run` (and of the stories `demo` runs): the pipeline, its workload, your code. */
function runOptions<T>(y: Argv<T>) {
  const d = DEFAULTS;
  return y
    .option('producers', { alias: 'p', type: 'number', default: d.producers, describe: 'producer workers (1-64)', group: 'Pipeline:' })
    .option('consumers', { alias: 'c', type: 'number', default: d.consumers, describe: 'consumer workers (1-64)', group: 'Pipeline:' })
    .option('capacity', { alias: 'q', type: 'number', default: d.capacity, describe: 'queue capacity in items', group: 'Pipeline:' })
    .option('items', { alias: 'n', type: 'number', describe: 'items to produce in total [default: 3000 for the built-in workload]', group: 'Pipeline:' })
    .option('duration', { type: 'string', describe: 'produce for this long instead (30, 30s, 1.5m, 500ms)', group: 'Pipeline:' })
    .option('shutdown', { type: 'string', default: d.shutdown, describe: 'how consumers are told to stop: sentinel (one per consumer, queued behind the items) or close (queue.shutdown)', group: 'Pipeline:' })
    .option('rate', { type: 'number', describe: 'items/s limit per producer', group: 'Workload:' })
    .option('produce-ms', { type: 'number', default: d.produceMs, describe: 'work per produced item (ms)', group: 'Workload:' })
    .option('consume-ms', { type: 'number', default: d.consumeMs, describe: 'work per consumed item (ms)', group: 'Workload:' })
    .option('jitter', { type: 'number', default: d.jitter, describe: 'random variation of the work, 0-1 (0.3 = ±30%)', group: 'Workload:' })
    .option('work', { type: 'string', default: d.work, describe: 'sleep (a thread waiting on I/O) or spin (burning CPU)', group: 'Workload:' })
    .option('seed', { type: 'number', default: d.seed, describe: 'seed for reproducible jitter', group: 'Workload:' })
    .option('producer', { type: 'string', describe: 'your module exporting produce(ctx) → (async) iterable', group: 'Your code:' })
    .option('consumer', { type: 'string', describe: 'your module exporting consume(item, ctx)', group: 'Your code:' })
    .option('refresh', { type: 'number', default: d.refreshMs, describe: 'refresh interval (ms)', group: 'Output:' })
    .option('stall-ms', { type: 'number', default: d.stallMs, describe: 'end as "stalled" if no item moves this long', group: 'Output:' });
}

/** Builds the yargs parser (exported for the help text test). */
export function buildParser(argv: string[], version: string) {
  return yargs(argv)
    .scriptName('pipeline-tui')
    .usage(
      '$0 [run] [options]\n\nRuns a bounded producer-consumer pipeline on real worker threads joined by a shared-memory queue,\nand shows it live: queue depth, throughput, who is blocked on whom, and the sentinel shutdown.',
    )
    .command(['run', '$0'], 'run a pipeline and show it live (the default command)', runOptions)
    .command('demo [name]', 'list the demos, or run one: every classic threading lesson, and pipeline stories', (y) =>
      y.positional('name', { type: 'string', describe: 'the demo to run (none: list them)' }).option('quick', { type: 'boolean', default: false, describe: 'small sizes and short waits (for CI)' }),
    )
    .command('replay <file>', 'replay a metrics log (--metrics) into the same dashboard: space pauses, arrows step', (y) =>
      y.positional('file', { type: 'string', describe: 'the .jsonl metrics log of a run' }).option('speed', { type: 'number', default: 1, describe: 'playback speed (2 = twice as fast)' }),
    )
    .option('plain', { type: 'boolean', default: false, describe: 'plain progress lines instead of the dashboard (automatic when stdout is not a terminal)', group: 'Output:' })
    .option('json', { type: 'boolean', default: false, describe: 'print only the final summary as JSON', group: 'Output:' })
    .option('color', { type: 'boolean', default: true, describe: 'colours (--no-color, NO_COLOR or TERM=dumb turn them off)', group: 'Output:' })
    .option('record', { type: 'string', describe: 'record the dashboard as an asciicast v2 file (asciinema play run.cast)', group: 'Output:' })
    .option('metrics', { type: 'string', describe: 'write every snapshot to a JSONL metrics log (pipeline-tui replay run.jsonl)', group: 'Output:' })
    .example(EXAMPLES)
    .epilog(
      [
        'Keys: q stop gracefully (sentinels) · Ctrl-C twice abort · p pause/resume · +/- producers · >/< consumers · ? help',
        'Ctrl-C, SIGTERM or SIGHUP once: a graceful stop; a second one aborts.',
        'Exit codes: 0 completed or stopped, 1 a worker failed, 2 bad input, 3 stalled,',
        '  130 aborted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP), 141 stdout closed (| head).',
      ].join('\n'),
    )
    .version(version)
    .alias('help', 'h')
    .strict()
    .parserConfiguration({ 'strip-aliased': true, 'strip-dashed': true })
    .showHelpOnFail(false)
    .exitProcess(false)
    .fail((message, error) => {
      throw error instanceof UsageError ? error : new UsageError(message ?? error?.message ?? 'invalid arguments');
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
}

type Parsed = Record<string, unknown>;

const asNumber = (v: unknown): number | undefined => (v === undefined ? undefined : (v as number));

/** Turns parsed flags into a run request. @throws UsageError */
export function toRunRequest(args: Parsed, stdoutIsTTY: boolean): RunRequest {
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
  };
  let config: PipelineConfig;
  try {
    config = resolveConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  return { command: 'run', config, ...outputOf(args, stdoutIsTTY) };
}

/** Turns parsed flags of `replay <file>` into a replay request. @throws UsageError */
export function toReplayRequest(args: Parsed, stdoutIsTTY: boolean): ReplayRequest {
  const speed = args.speed as number;
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed must be a number above 0 (2 = twice as fast), got ${String(args.speed)}`);
  return { command: 'replay', file: args.file as string, speed, ...outputOf(args, stdoutIsTTY) };
}

/** The output flags every command shares. @throws UsageError */
function outputOf(args: Parsed, stdoutIsTTY: boolean): Pick<RunRequest, 'output' | 'color' | 'record' | 'metrics'> {
  if (args.plain && args.json) throw new UsageError('--plain and --json cannot be used together: give one');
  for (const flag of ['record', 'metrics'] as const) {
    if (args[flag] !== undefined && (typeof args[flag] !== 'string' || args[flag] === '')) throw new UsageError(`--${flag} needs a file name`);
  }
  const output: OutputMode = args.json ? 'json' : args.plain || !stdoutIsTTY ? 'plain' : 'dashboard';
  return { output, color: colorEnabled(process.env, { color: args.color as boolean }), record: args.record as string | undefined, metrics: args.metrics as string | undefined };
}

export { FLAGS };
