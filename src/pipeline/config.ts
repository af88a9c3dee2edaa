/**
 * Pipeline configuration: defaults, and the one validator shared by the command line and the
 * library, so both refuse the same input with the same words. Every check names the option and
 * what is accepted ("--capacity must be an integer from 1 to 1000000, got 0").
 */
import type { PipelineConfig, ShutdownMode, WorkKind } from './types.js';

/** Bad configuration; `option` is the field (and `flag` the command-line flag) at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly option: keyof PipelineConfig,
    message: string,
  ) {
    super(message);
  }
}

/** Most workers of one role a run may have (the shared metrics block is sized for this). */
export const MAX_WORKERS_PER_ROLE = 64;

/** Most `--stage`s a run may have (each has a row of worker slots on the shared board). */
export const MAX_STAGES = 16;

/** Items the built-in workload produces when neither `items` nor `durationMs` is given. */
export const DEFAULT_ITEMS = 3000;

export const DEFAULTS: Readonly<PipelineConfig> = Object.freeze({
  producers: 2,
  consumers: 3,
  capacity: 16,
  items: undefined,
  durationMs: undefined,
  rate: undefined,
  produceMs: 2,
  consumeMs: 4,
  jitter: 0.3,
  work: 'sleep',
  producer: undefined,
  consumer: undefined,
  shutdown: 'sentinel',
  refreshMs: 100,
  seed: 1,
  stallMs: 10_000,
  stages: [],
  pool: undefined,
  broker: undefined,
});

/** Command-line flag of each option, for messages. */
export const FLAGS: Record<keyof PipelineConfig, string> = {
  producers: '--producers',
  consumers: '--consumers',
  capacity: '--capacity',
  items: '--items',
  durationMs: '--duration',
  rate: '--rate',
  produceMs: '--produce-ms',
  consumeMs: '--consume-ms',
  jitter: '--jitter',
  work: '--work',
  producer: '--producer',
  consumer: '--consumer',
  shutdown: '--shutdown',
  refreshMs: '--refresh',
  seed: '--seed',
  stallMs: '--stall-ms',
  stages: '--stage',
  pool: '--pool',
  broker: '--broker',
};

type Check = (value: unknown) => string | undefined;

const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `an integer from ${min} to ${max}`;
const number =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? undefined : `a number from ${min} to ${max}`;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `one of ${values.join(', ')}`;
const text: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a module path or URL');
const stageList: Check = (v) =>
  Array.isArray(v) &&
  v.length <= MAX_STAGES &&
  v.every(
    (s) =>
      typeof s?.module === 'string' &&
      typeof s?.name === 'string' &&
      Number.isInteger(s?.workers) &&
      s.workers >= 1 &&
      s.workers <= MAX_WORKERS_PER_ROLE,
  )
    ? undefined
    : `given at most ${MAX_STAGES} times, each as { module, name, workers } with 1 to ${MAX_WORKERS_PER_ROLE} workers`;

const CHECKS: Record<keyof PipelineConfig, Check> = {
  producers: integer(1, MAX_WORKERS_PER_ROLE),
  consumers: integer(1, MAX_WORKERS_PER_ROLE),
  capacity: integer(1, 1_000_000),
  items: integer(0, 0x7fffffff),
  durationMs: number(1, 7 * 24 * 3600 * 1000),
  rate: number(0.001, 1e9),
  produceMs: number(0, 3_600_000),
  consumeMs: number(0, 3_600_000),
  jitter: number(0, 1),
  work: oneOf('sleep', 'spin'),
  producer: text,
  consumer: text,
  shutdown: oneOf('sentinel', 'close'),
  refreshMs: integer(16, 10_000),
  seed: integer(0, 0xffffffff),
  stallMs: integer(100, 86_400_000),
  stages: stageList,
  pool: integer(1, MAX_WORKERS_PER_ROLE),
  broker: (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['address', 'stream', 'group'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string')
      ? undefined
      : 'a broker opened with StreamLink.open (pipeline-tui/broker)',
};

const OPTIONAL = new Set<keyof PipelineConfig>([
  'items',
  'durationMs',
  'rate',
  'producer',
  'consumer',
  'pool',
  'broker',
]);

/** What a run on a broker cannot have, and why (checked after each option on its own). */
function checkBroker(config: PipelineConfig): void {
  if (config.broker === undefined) return;
  if (config.shutdown === 'close')
    throw new ConfigError(
      'shutdown',
      `${FLAGS.shutdown} close cannot be used with --broker: close shuts a queue under its workers, and a stream ` +
        'cannot be shut under workers on other machines; a run on a stream ends with sentinels (the default)',
    );
}

/** How a value is shown in an error: strings quoted, lists by their length, the rest as written. */
function show(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Fills defaults and checks every option.
 * @throws ConfigError naming the first bad option and what it accepts.
 */
export function resolveConfig(input: Partial<PipelineConfig> = {}): PipelineConfig {
  const config = { ...DEFAULTS } as Record<keyof PipelineConfig, unknown>;
  for (const key of Object.keys(input) as Array<keyof PipelineConfig>) {
    if (!(key in CHECKS))
      throw new ConfigError(key, `unknown option "${String(key)}"; known: ${Object.keys(CHECKS).join(', ')}`);
    if (input[key] !== undefined) config[key] = input[key];
  }
  for (const key of Object.keys(CHECKS) as Array<keyof PipelineConfig>) {
    const value = config[key];
    if (value === undefined && OPTIONAL.has(key)) continue;
    const accepted = CHECKS[key](value);
    if (accepted) throw new ConfigError(key, `${FLAGS[key]} must be ${accepted}, got ${show(value)}`);
  }
  if (config.items !== undefined && config.durationMs !== undefined) {
    throw new ConfigError('durationMs', `${FLAGS.items} and ${FLAGS.durationMs} cannot be used together: give one`);
  }
  const resolved = config as unknown as PipelineConfig;
  checkBroker(resolved);
  // The built-in workload needs an end; a user producer ends when its iterable does.
  if (resolved.items === undefined && resolved.durationMs === undefined && resolved.producer === undefined) {
    resolved.items = DEFAULT_ITEMS;
  }
  return Object.freeze(resolved);
}

export type { PipelineConfig, ShutdownMode, WorkKind };
