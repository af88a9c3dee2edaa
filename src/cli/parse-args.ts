/**
 * The command line: its commands and the flags they share, as one yargs parser, and the
 * translation of `replay`'s flags into a request. The run's flags are run-args.ts's, the output
 * flags output-mode.ts's, and "did you mean" is did-you-mean.ts's.
 */
import yargs from 'yargs';
import { usageMessage } from './did-you-mean.js';
import { type OutputMode, outputOf } from './output-mode.js';
import { runOutputOptions } from './output-options.js';
import { runOptions } from './run-args.js';
import { tuneOptions } from './tune-args.js';
import { UsageError } from './usage-error.js';
import { watchOptions } from './watch-args.js';
import { workerOptions } from './worker-args.js';

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
  ['$0 -c 1 --consume-ms 8 --autoscale', 'add consumers while throughput rises, then say how many to use'],
  ['$0 tune --consume-ms 8 --budget 60s', 'trials of the counts: a table, a chart and the command line to use'],
];

const DEMO_EPILOG =
  'Which flags apply: a story (balanced, slow-consumer, …) is a preset of `run` and takes every run flag ' +
  '(-p, -c, -q, -n, --consume-ms, --record, --metrics, --plain, --json, …); the flags you type override ' +
  'the preset. A lesson (join, race, …) takes only --quick and --json; it refuses the run flags, --record ' +
  'and --metrics.';

/** The long flags of the command being parsed (yargs' getOptions, missing from its types). */
const flagsOf = (parser: unknown): string[] =>
  Object.keys((parser as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);

/** Builds the yargs parser (exported for the help text test). */
export function buildParser(argv: string[], version: string) {
  const parser = yargs(argv);
  return parser
    .scriptName('pipeline-tui')
    .usage(
      '$0 [run] [options]\n\n' +
        'Runs a bounded producer-consumer pipeline on real worker threads joined by a shared-memory queue,\n' +
        'and shows it live: queue depth, throughput, who is blocked on whom, and the sentinel shutdown.',
    )
    .command(['run', '$0'], 'run a pipeline and show it live (the default command)', (y) =>
      runOutputOptions(runOptions(y)),
    )
    .command('demo [name]', 'list the demos, or run one: every classic threading lesson, and pipeline stories', (y) =>
      runOutputOptions(
        runOptions(
          y
            .positional('name', { type: 'string', describe: 'the demo to run (none: list them)' })
            .option('quick', { type: 'boolean', default: false, describe: 'small sizes and short waits (for CI)' }),
        ),
      ).epilog(DEMO_EPILOG),
    )
    .command(
      'replay <file>',
      'replay a metrics log (--metrics) into the same dashboard: space pauses, arrows step',
      (y) =>
        runOutputOptions(
          y
            .positional('file', { type: 'string', describe: 'the .jsonl metrics log of a run' })
            .option('speed', { default: 1, requiresArg: true, describe: 'playback speed (2 = twice as fast)' }),
        ),
    )
    .command(
      'tune',
      'run short trials of the pipeline the flags describe, varying its counts, and recommend the fewest workers ' +
        'that carry the most throughput',
      (y) => tuneOptions(runOptions(y)),
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
        '  1    a worker failed (or the broker failed the run: lost, emptied, full)',
        '  2    bad input (or a stream another run holds)',
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
      // By now the parser holds the options of the command it parses: its flags are the ones to suggest.
      throw new UsageError(usageMessage(message ?? error?.message ?? 'invalid arguments', argv, flagsOf(parser)));
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
}

type Parsed = Record<string, unknown>;

/** Turns parsed flags of `replay <file>` into a replay request. @throws UsageError */
export function toReplayRequest(args: Parsed, stdoutIsTTY: boolean): ReplayRequest {
  const speed = args.speed as number;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed must be a number above 0 (2 = twice as fast), got ${JSON.stringify(args.speed)}`);
  }
  return { command: 'replay', file: args.file as string, speed, ...outputOf(args, stdoutIsTTY) };
}
