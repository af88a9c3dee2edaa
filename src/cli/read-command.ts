/**
 * Reads a command line into what to do, without doing it: which command, with its flags checked
 * and translated into a request. cli.ts dispatches on the answer; the docs test reads every
 * command line the guides show through it, so a renamed flag cannot go unnoticed in them.
 */
import { buildParser, type ReplayRequest, toReplayRequest } from './parse-args.js';
import { type RunRequest, toRunRequest } from './run-args.js';
import { type TuneRequest, toTuneRequest } from './tune-args.js';
import { VERSION } from './version.js';
import { toWatchRequest, type WatchRequest } from './watch-args.js';
import { toWorkerRequest, type WorkerRequest } from './worker-args.js';

/** What a command line asks for: `answered` when yargs printed --help or --version itself. */
export type CommandRequest =
  | { command: 'answered' }
  | { command: 'demo'; args: Record<string, unknown> }
  | RunRequest
  | ReplayRequest
  | TuneRequest
  | WatchRequest
  | WorkerRequest;

/** Parses `argv` (the arguments after the program's name). @throws UsageError for bad input */
export async function readCommand(argv: string[], stdoutIsTTY: boolean): Promise<CommandRequest> {
  const args = (await buildParser(argv, VERSION).parseAsync()) as Record<string, unknown>;
  if (args.help || args.version) return { command: 'answered' };
  switch ((args._ as unknown[])[0]) {
    case 'demo':
      return { command: 'demo', args };
    case 'worker':
      return toWorkerRequest(args);
    case 'watch':
      return toWatchRequest(args, stdoutIsTTY);
    case 'replay':
      return toReplayRequest(args, stdoutIsTTY);
    case 'tune':
      return toTuneRequest(args);
    default:
      return toRunRequest(args, stdoutIsTTY);
  }
}
