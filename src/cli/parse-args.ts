/**
 * The command line: yargs definitions, and the translation of flags into a validated pipeline
 * configuration. Every mistake becomes a UsageError (one line naming the flag and what it accepts).
 */
import yargs, { type Argv } from 'yargs';
import { parseBrokerUrl } from '../broker/broker-url.js';
import { CLAIM_IDLE_MS, DEFAULT_GROUP } from '../broker/defaults.js';
import { DEFAULT_STAGE_WORKERS, stageName } from '../pipeline/chain.js';
import { ConfigError, DEFAULTS, FLAGS, MAX_WORKERS_PER_ROLE, resolveConfig } from '../pipeline/config.js';
import type { PipelineConfig, StageConfig } from '../pipeline/types.js';
import { colorEnabled } from '../tui/theme.js';
import { parseDuration } from './duration.js';
import { UsageError } from './usage-error.js';
import { watchOptions } from './watch-args.js';
import { workerOptions } from './worker-args.js';

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
  /** `--broker URL --stream NAME [--group G]`: the URL as typed (password and all: never shown). */
  broker?: { url: string; stream: string; group: string } | undefined;
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
  ['$0 --stage ./keep-odd.mjs --stage ./square.mjs=4', 'two stages between them: a filter (2 workers), then 4 workers'],
  ['$0 -c 6 --pool 2 --consume-ms 20', 'six consumers sharing a pool of two connections'],
  ['$0 --broker redis://localhost:6379 --stream jobs', 'the queue on a Redis stream: other machines can join'],
  ['$0 -n 100000 --produce-ms 0 --consume-ms 0 --json', 'flat out, headless, summary as JSON'],
  ['$0 --record run.cast --metrics run.jsonl', 'record the dashboard (asciicast) and the metrics (JSONL)'],
  ['$0 replay run.jsonl --speed 4', 'replay a recorded run at 4x speed'],
];

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
function runOptions<T>(y: Argv<T>) {
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
      ...runFlag('the queue on a Redis stream: redis://[:password@]host:port[/db], rediss:// for TLS', B),
      type: 'string',
    })
    .option('stream', { ...runFlag("the stream's name (with --broker)", B), type: 'string' })
    .option('group', { ...runFlag('its consumer group', B, DEFAULT_GROUP), type: 'string' })
    .option('refresh', runFlag('refresh interval (ms)', O, d.refreshMs))
    .option('stall-ms', runFlag('end as "stalled" if no item moves this long', O, d.stallMs));
}

/** Every long flag the command knows, for "did you mean" (the run flags come from FLAGS). */
const KNOWN_FLAGS = [
  ...new Set([
    ...Object.values(FLAGS),
    ...['--plain', '--json', '--color', '--no-color', '--record', '--metrics'],
    ...['--quick', '--speed', '--help', '--version'],
    ...['--stream', '--group', '--broker', '--role'],
  ]),
];

/** Edit distance (Levenshtein), for the closest known flag. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The known flag closest to what the user typed. */
export function closestFlag(typed: string): string {
  const bare = typed.replace(/^-+/, '');
  return KNOWN_FLAGS.reduce((best, flag) =>
    distance(bare, flag.slice(2)) < distance(bare, best.slice(2)) ? flag : best,
  );
}

/**
 * Rewrites yargs' own messages into ones that name what the user typed: "Unknown argument: bogus"
 * becomes "unknown flag --bogus (did you mean --json?); see pipeline-tui --help".
 */
/** What each command's required argument is, for the line that says it is missing. */
const MISSING_POSITIONAL: Readonly<Record<string, string>> = {
  replay: 'the metrics log to play, as in: pipeline-tui replay run.jsonl (a run writes it with --metrics)',
  watch: "the broker's address, as in: pipeline-tui watch redis://localhost:6379 --stream jobs",
};

function usageMessage(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    const names = unknown[1]!.split(', ');
    // yargs names an unknown flag without its dashes, and camelCased: find the token the user typed.
    const bareOf = (token: string): string => token.replace(/^-+/, '').split('=')[0]!;
    const camel = (bare: string): string => bare.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const typed = names.map((name) => {
      const token = argv.find((t) => t.startsWith('-') && (bareOf(t) === name || camel(bareOf(t)) === name));
      return token?.split('=')[0];
    });
    const flag = typed.find((t) => t !== undefined);
    if (flag !== undefined) return `unknown flag ${flag} (did you mean ${closestFlag(flag)}?); see pipeline-tui --help`;
    return `unexpected argument "${names[0]}"; see pipeline-tui --help`;
  }
  // yargs' "Not enough non-option arguments: got 0, need at least 1": say what the command lacks.
  if (/^Not enough non-option arguments/.test(message)) {
    const command = argv.find((t) => !t.startsWith('-'));
    const wanted = command !== undefined ? MISSING_POSITIONAL[command] : undefined;
    if (wanted !== undefined) return `${command} needs ${wanted}; see pipeline-tui ${command} --help`;
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) {
    const name = missing[1]!;
    const token = argv.find((t) => t.startsWith('-') && t.replace(/^-+/, '') === name);
    return `${token ?? (name.length === 1 ? `-${name}` : `--${name}`)} needs a value; see pipeline-tui --help`;
  }
  return message;
}

const DEMO_EPILOG =
  'Which flags apply: a story (balanced, slow-consumer, …) is a preset of `run` and takes every run flag ' +
  '(-p, -c, -q, -n, --consume-ms, --record, --metrics, --plain, --json, …); the flags you type override ' +
  'the preset. A lesson (join, race, …) takes only --quick and --json; it refuses the run flags, --record ' +
  'and --metrics.';

/** Builds the yargs parser (exported for the help text test). */
export function buildParser(argv: string[], version: string) {
  return yargs(argv)
    .scriptName('pipeline-tui')
    .usage(
      '$0 [run] [options]\n\n' +
        'Runs a bounded producer-consumer pipeline on real worker threads joined by a shared-memory queue,\n' +
        'and shows it live: queue depth, throughput, who is blocked on whom, and the sentinel shutdown.',
    )
    .command(['run', '$0'], 'run a pipeline and show it live (the default command)', runOptions)
    .command('demo [name]', 'list the demos, or run one: every classic threading lesson, and pipeline stories', (y) =>
      runOptions(
        y
          .positional('name', { type: 'string', describe: 'the demo to run (none: list them)' })
          .option('quick', { type: 'boolean', default: false, describe: 'small sizes and short waits (for CI)' }),
      ).epilog(DEMO_EPILOG),
    )
    .command(
      'replay <file>',
      'replay a metrics log (--metrics) into the same dashboard: space pauses, arrows step',
      (y) =>
        y
          .positional('file', { type: 'string', describe: 'the .jsonl metrics log of a run' })
          .option('speed', { default: 1, requiresArg: true, describe: 'playback speed (2 = twice as fast)' }),
    )
    .command(
      'worker',
      'join a run on a Redis stream from another process or machine (its --broker and --stream)',
      workerOptions,
    )
    .command(
      'watch <url>',
      'a read-only dashboard of a Redis stream: length, rate, lag and pending per group and consumer',
      watchOptions,
    )
    .option('plain', {
      type: 'boolean',
      default: false,
      describe: 'plain progress lines instead of the dashboard (automatic when stdout is not a terminal)',
      group: 'Output:',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print only the final summary as JSON',
      group: 'Output:',
    })
    .option('color', {
      type: 'boolean',
      default: true,
      describe: 'colours (--no-color, NO_COLOR or TERM=dumb turn them off)',
      group: 'Output:',
    })
    .option('record', {
      type: 'string',
      describe: 'record the dashboard as an asciicast v2 file (asciinema play run.cast)',
      group: 'Output:',
    })
    .option('metrics', {
      type: 'string',
      describe: 'write every snapshot to a JSONL metrics log (pipeline-tui replay run.jsonl)',
      group: 'Output:',
    })
    .example(EXAMPLES)
    .epilog(
      [
        // One fact a line, each under 80 columns: yargs wraps a longer one mid-sentence.
        'Keys: q stop gracefully (sentinels) · Ctrl-C twice abort · p pause/resume · ? help',
        '  Tab/↑↓ select a stage · +/- add/remove a worker there · >/< add/remove a consumer',
        'Ctrl-C, SIGTERM or SIGHUP once: a graceful stop; a second one aborts.',
        'A graceful stop waits for every worker to finish the item in hand. One that hangs',
        '  holds it up (the dashboard names it) until no item has moved for --stall-ms',
        '  (exit 3), or until Ctrl-C again.',
        'Exit codes:',
        '  0    completed, or stopped on request',
        '  1    a worker failed (or the broker was lost mid-run)',
        '  2    bad input',
        '  3    stalled: no item moved for --stall-ms while work remained',
        '  4    replay of a log cut short',
        '  5    the broker cannot be used (unreachable, password refused)',
        '  130  aborted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP)',
        '  141  stdout closed (| head)',
      ].join('\n'),
    )
    .version(version)
    .alias('help', 'h')
    .strict()
    .parserConfiguration({ 'strip-aliased': true, 'strip-dashed': true })
    .showHelpOnFail(false)
    .exitProcess(false)
    .fail((message, error) => {
      if (error instanceof UsageError) throw error;
      throw new UsageError(usageMessage(message ?? error?.message ?? 'invalid arguments', argv));
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
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
  parseBrokerUrl(broker);
  if (typeof stream !== 'string' || stream === '')
    throw new UsageError(
      '--broker needs --stream: the name of the stream the run uses as its queue, e.g. --stream jobs',
    );
  if (group !== undefined && (typeof group !== 'string' || group === ''))
    throw new UsageError('--group needs the name of a consumer group');
  return { url: broker, stream, group: (group as string | undefined) ?? DEFAULT_GROUP };
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
      ...{ address: parseBrokerUrl(broker.url).shown, stream: broker.stream, group: broker.group },
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
  return { command: 'run', config, broker, ...outputOf(args, stdoutIsTTY) };
}

/** Turns parsed flags of `replay <file>` into a replay request. @throws UsageError */
export function toReplayRequest(args: Parsed, stdoutIsTTY: boolean): ReplayRequest {
  const speed = args.speed as number;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed must be a number above 0 (2 = twice as fast), got ${JSON.stringify(args.speed)}`);
  }
  return { command: 'replay', file: args.file as string, speed, ...outputOf(args, stdoutIsTTY) };
}

/** The output flags every command shares. @throws UsageError */
function outputOf(args: Parsed, stdoutIsTTY: boolean): Pick<RunRequest, 'output' | 'color' | 'record' | 'metrics'> {
  if (args.plain && args.json) throw new UsageError('--plain and --json cannot be used together: give one');
  for (const flag of ['record', 'metrics'] as const) {
    if (args[flag] !== undefined && (typeof args[flag] !== 'string' || args[flag] === ''))
      throw new UsageError(`--${flag} needs a file name`);
  }
  const output: OutputMode = args.json ? 'json' : args.plain || !stdoutIsTTY ? 'plain' : 'dashboard';
  return {
    output,
    color: colorEnabled(process.env, { color: args.color as boolean }),
    record: args.record as string | undefined,
    metrics: args.metrics as string | undefined,
  };
}

export { FLAGS };
