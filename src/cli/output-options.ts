/**
 * The output flags, declared by each command that takes them, so that each command's --help lists
 * exactly what it takes: run, demo and replay show a run (all of them); watch has a dashboard but
 * nothing to record; worker has neither (its own --json, in worker-args.ts).
 */
import type { Argv } from 'yargs';

/** The output flags of the commands that show a run (run, demo, replay). */
export function runOutputOptions<T>(y: Argv<T>) {
  return colorOption(
    plainOption(y)
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print only the final summary as JSON',
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
      }),
  );
}

/** `--plain`, for the commands with a dashboard (run, demo, replay, watch). */
export function plainOption<T>(y: Argv<T>) {
  return y.option('plain', {
    type: 'boolean',
    default: false,
    describe: 'plain progress lines instead of the dashboard (automatic when stdout is not a terminal)',
    group: 'Output:',
  });
}

/** `--color`, for the commands with a dashboard (run, demo, replay, watch). */
export function colorOption<T>(y: Argv<T>) {
  return y.option('color', {
    type: 'boolean',
    default: true,
    describe: 'colours (--no-color, NO_COLOR or TERM=dumb turn them off)',
    group: 'Output:',
  });
}
