/**
 * `pipeline-tui tune [run flags] [--budget 60s] [--json]`: the run's own flags describe the
 * pipeline to tune; --budget bounds the time; --json prints the trials and the recommendation.
 */
import type { Argv } from 'yargs';
import { DEFAULT_BUDGET_MS } from '../pipeline/tune.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { parseDuration } from './duration.js';
import { toRunRequest } from './run-args.js';
import { UsageError } from './usage-error.js';

export interface TuneRequest {
  command: 'tune';
  config: PipelineConfig;
  budgetMs: number;
  json: boolean;
}

/** The flags `tune` adds to the run's. */
export function tuneOptions<T>(y: Argv<T>) {
  return y
    .option('budget', {
      type: 'string',
      requiresArg: true,
      describe: 'start no trial that would end past this (30s, 2m)',
      defaultDescription: `${DEFAULT_BUDGET_MS / 1000}s`,
      group: 'Tune:',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print the trials and the recommendation as JSON',
      group: 'Tune:',
    });
}

/** What a tune cannot take, and why. */
const REFUSED: Record<string, string> = {
  broker: 'tune runs its trials on shared memory, one after another',
  autoscale: 'tune varies the counts itself, in trials of their own',
};

/** Turns parsed flags into a tune request. @throws UsageError */
export function toTuneRequest(args: Record<string, unknown>): TuneRequest {
  for (const [flag, why] of Object.entries(REFUSED))
    if (args[flag] !== undefined) throw new UsageError(`--${flag} cannot be used with tune: ${why}`);
  const { config } = toRunRequest(args, false);
  const budgetMs = args.budget === undefined ? DEFAULT_BUDGET_MS : parseDuration('--budget', args.budget as string);
  return { command: 'tune', config, budgetMs, json: Boolean(args.json) };
}
