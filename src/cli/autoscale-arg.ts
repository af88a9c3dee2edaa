/**
 * `--autoscale[=MAX]`: grow the run where the bottleneck judge points (src/pipeline/autoscale.ts).
 * Bare, the bound on workers in all is the default for the machine and the work; `=MAX` sets it.
 */
import { AutoscaleError, type AutoscaleOptions, autoscaleLimits } from '../pipeline/autoscale.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { UsageError } from './usage-error.js';

/** The flag's yargs definition (no type: bare it is true, `=16` a number, anything else the text typed). */
export const autoscaleOption = (group: string) => ({
  describe:
    'add workers where the bottleneck is while throughput rises (each step measured, one that does not ' +
    'pay taken back); =MAX bounds the workers in all (default: a worker per core for --work spin, ' +
    '8 per core and at least 16 otherwise)',
  group,
});

/** The parsed flag as the run's option (undefined: not given). @throws UsageError */
export function autoscaleArg(value: unknown, config: PipelineConfig): AutoscaleOptions | true | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === '') return true;
  const max = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : undefined;
  if (max === undefined)
    throw new UsageError(
      `--autoscale=MAX must be the most workers in all, a whole number, got ${JSON.stringify(value)}`,
    );
  try {
    autoscaleLimits(config, { max }, 1, '--autoscale=MAX');
  } catch (error) {
    if (error instanceof AutoscaleError) throw new UsageError(error.message);
    throw error;
  }
  return { max };
}
