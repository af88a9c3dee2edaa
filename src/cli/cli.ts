/**
 * The pipeline-tui command, started by main.ts: parse flags, run the pipeline, show it (dashboard on
 * a terminal, plain lines otherwise, or JSON), print a summary, and exit with a code that says how
 * it ended.
 */
import { hideBin } from 'yargs/helpers';
import { outliveDeadTerminal } from './dead-terminal.js';
import { buildParser, toReplayRequest, toRunRequest } from './parse-args.js';
import { runCommand } from './run-command.js';
import { EXIT, UsageError } from './usage-error.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  const parser = buildParser(argv, VERSION);
  const args = (await parser.parseAsync()) as Record<string, unknown>;
  if (args.help || args.version) return EXIT.ok;
  if ((args._ as unknown[])[0] === 'demo')
    return (await import('./demo-command.js')).demoCommand(args, Boolean(process.stdout.isTTY));
  if ((args._ as unknown[])[0] === 'worker') {
    const { toWorkerRequest } = await import('./worker-args.js');
    return (await import('./worker-command.js')).workerCommand(toWorkerRequest(args));
  }
  if ((args._ as unknown[])[0] === 'watch') {
    const { toWatchRequest } = await import('./watch-args.js');
    return (await import('./watch-command.js')).watchCommand(toWatchRequest(args, Boolean(process.stdout.isTTY)));
  }
  if ((args._ as unknown[])[0] === 'replay')
    return (await import('./replay-command.js')).replayCommand(toReplayRequest(args, Boolean(process.stdout.isTTY)));
  const request = toRunRequest(args, Boolean(process.stdout.isTTY));
  return runCommand(request);
}

outliveDeadTerminal();

// main() runs without a top-level await, so Node's own check for one left unsettled (exit 13)
// never sees it: a main that never settles — an await on something that never comes, once a
// user module's — would let the process end with exit code 0 and not a word. It is said instead.
let settled = false;
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write(
    'pipeline-tui: internal error: the command ended before it finished (it waited on something that never came)\n',
  );
  process.exitCode = EXIT.failed;
});

main(hideBin(process.argv)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    if (error instanceof UsageError) {
      process.stderr.write(`pipeline-tui: ${error.message}\n`);
      process.exitCode = EXIT.usage;
    } else if (error instanceof Error && error.name === 'BrokerUnavailableError') {
      // By name: importing the broker's module here would load the Redis client for every command.
      process.stderr.write(`pipeline-tui: ${error.message}\n`);
      process.exitCode = EXIT.broker;
    } else {
      process.stderr.write(
        `pipeline-tui: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.failed;
    }
  },
);
