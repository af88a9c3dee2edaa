/**
 * The pipeline-tui command, started by main.ts: parse flags, run the pipeline, show it (dashboard on
 * a terminal, plain lines otherwise, or JSON), print a summary, and exit with a code that says how
 * it ended.
 */
import { hideBin } from 'yargs/helpers';
import { outliveDeadTerminal } from './dead-terminal.js';
import { readCommand } from './read-command.js';
import { EXIT, UsageError } from './usage-error.js';

async function main(argv: string[]): Promise<number> {
  const request = await readCommand(argv, Boolean(process.stdout.isTTY));
  switch (request.command) {
    case 'answered':
      return EXIT.ok;
    case 'demo':
      return (await import('./demo-command.js')).demoCommand(request.args, Boolean(process.stdout.isTTY));
    case 'worker':
      return (await import('./worker-command.js')).workerCommand(request);
    case 'watch':
      return (await import('./watch-command.js')).watchCommand(request);
    case 'replay':
      return (await import('./replay-command.js')).replayCommand(request);
    case 'tune':
      return (await import('./tune-command.js')).tuneCommand(request);
    case 'run':
      return (await import('./run-command.js')).runCommand(request);
  }
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
