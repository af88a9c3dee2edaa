/**
 * The flags of `pipeline-tui watch <url> --stream NAME [--group G]`, and their translation into a
 * WatchRequest. Mistakes are UsageErrors (one line naming the flag, exit 2); the URL's password
 * never appears in one.
 */
import type { Argv } from 'yargs';
import type { BrokerAddress } from '../broker/broker-url.js';
import { colorEnabled } from '../tui/theme.js';
import { BROKER_PASSWORD_ENV, brokerArg } from './broker-arg.js';
import { parseDuration } from './duration.js';
import { type OutputMode, outputModeOf } from './output-mode.js';
import { colorOption, plainOption } from './output-options.js';
import { UsageError } from './usage-error.js';

export interface WatchRequest {
  command: 'watch';
  address: BrokerAddress;
  stream: string;
  group: string | undefined;
  refreshMs: number;
  durationMs: number | undefined;
  output: OutputMode;
  color: boolean;
}

export const WATCH_REFRESH_MS = 1000;

/** Adds the watch flags to the `watch` command's builder. */
export function watchOptions<T>(y: Argv<T>) {
  return colorOption(plainOption(y))
    .positional('url', {
      type: 'string',
      describe:
        'the broker: redis://[:password@]host:port[/db], rediss:// for TLS ' +
        `(or the password in ${BROKER_PASSWORD_ENV})`,
    })
    .option('stream', { type: 'string', requiresArg: true, describe: 'the stream to watch (required)' })
    .option('group', { type: 'string', requiresArg: true, describe: 'only this consumer group (default: all)' })
    .option('refresh', { requiresArg: true, describe: 'sample every this many ms', defaultDescription: '1000' })
    .option('duration', { type: 'string', requiresArg: true, describe: 'stop after this long (30s, 1.5m)' })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'one JSON line per refresh: length, pending, lag, every group and consumer',
      group: 'Output:',
    })
    .example('$0 watch redis://localhost:6379 --stream orders', 'length, rate, lag and pending of a live stream')
    .example('$0 watch redis://:pw@db:6379 --stream orders --group billing --json', 'one JSON line a second');
}

/** @throws UsageError */
export function toWatchRequest(args: Record<string, unknown>, stdoutIsTTY: boolean): WatchRequest {
  const address = brokerArg('the broker URL', String(args.url ?? ''));
  const stream = args.stream;
  if (typeof stream !== 'string' || stream === '')
    throw new UsageError('--stream is required: the name of the stream to watch, e.g. --stream orders');
  if (args.group !== undefined && (typeof args.group !== 'string' || args.group === ''))
    throw new UsageError('--group needs the name of a consumer group');
  const refresh = args.refresh === undefined ? WATCH_REFRESH_MS : Number(args.refresh);
  if (!Number.isInteger(refresh) || refresh < 50 || refresh > 60_000)
    throw new UsageError(`--refresh must be an integer from 50 to 60000 (ms), got ${JSON.stringify(args.refresh)}`);
  const output = outputModeOf(args, stdoutIsTTY);
  return {
    command: 'watch',
    address,
    stream,
    group: args.group as string | undefined,
    refreshMs: refresh,
    durationMs: args.duration === undefined ? undefined : parseDuration('--duration', args.duration as string),
    output,
    color: colorEnabled(process.env, { color: args.color as boolean }),
  };
}
