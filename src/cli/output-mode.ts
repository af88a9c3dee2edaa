/**
 * The output flags every command shares: the dashboard on a terminal, plain lines otherwise or
 * with --plain, JSON with --json; colours; and for runs and replays, --record and --metrics.
 */
import { colorEnabled } from '../tui/theme.js';
import { UsageError } from './usage-error.js';

export type OutputMode = 'dashboard' | 'plain' | 'json';

type Parsed = Record<string, unknown>;

/** --plain, --json, or neither: the dashboard on a terminal, plain lines off one. @throws UsageError */
export function outputModeOf(args: Parsed, stdoutIsTTY: boolean): OutputMode {
  if (args.plain && args.json) throw new UsageError('--plain and --json cannot be used together: give one');
  return args.json ? 'json' : args.plain || !stdoutIsTTY ? 'plain' : 'dashboard';
}

/** The output flags every command shares. @throws UsageError */
export function outputOf(
  args: Parsed,
  stdoutIsTTY: boolean,
): {
  output: OutputMode;
  color: boolean;
  record: string | undefined;
  metrics: string | undefined;
} {
  for (const flag of ['record', 'metrics'] as const) {
    if (args[flag] !== undefined && (typeof args[flag] !== 'string' || args[flag] === ''))
      throw new UsageError(`--${flag} needs a file name`);
  }
  return {
    output: outputModeOf(args, stdoutIsTTY),
    color: colorEnabled(process.env, { color: args.color as boolean }),
    record: args.record as string | undefined,
    metrics: args.metrics as string | undefined,
  };
}
