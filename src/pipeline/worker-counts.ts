/**
 * How many workers each stage of a chain has, said the ways `--autoscale` and `tune` say it: as
 * flags to paste ("-p 1 --stage ./square.mjs=3 -c 8"), and in words ("6 consumers", "a 7th").
 */
import type { PipelineConfig } from './types.js';

/** Workers per stage, producers first, consumers last (the chain's order). */
export type WorkerCounts = readonly number[];

/** The counts a configuration starts with. */
export function countsOf(config: Pick<PipelineConfig, 'producers' | 'consumers' | 'stages'>): number[] {
  return [config.producers, ...config.stages.map((s) => s.workers), config.consumers];
}

/** The configuration with these counts instead of its own. */
export function withCounts<C extends Pick<PipelineConfig, 'producers' | 'consumers' | 'stages'>>(
  config: C,
  counts: WorkerCounts,
): C {
  return {
    ...config,
    producers: counts[0]!,
    stages: config.stages.map((s, i) => ({ ...s, workers: counts[i + 1]! })),
    consumers: counts.at(-1)!,
  };
}

/** The counts as run flags: "-p 1 -c 8", each stage as its `--stage module=N` in between. */
export function countFlags(config: Pick<PipelineConfig, 'stages'>, counts: WorkerCounts): string {
  const stages = config.stages.map((s, i) => `--stage ${s.module}=${counts[i + 1]}`);
  return [`-p ${counts[0]}`, ...stages, `-c ${counts.at(-1)}`].join(' ');
}

/** "producer", "consumer", or "square worker": one worker of stage `stage` of `stages` stages. */
export function workerNoun(config: Pick<PipelineConfig, 'stages'>, stage: number): string {
  if (stage === 0) return 'producer';
  if (stage === config.stages.length + 1) return 'consumer';
  return `${config.stages[stage - 1]?.name ?? `stage ${stage}`} worker`;
}

/** "1 consumer", "6 consumers", "3 square workers". */
export function workersOf(config: Pick<PipelineConfig, 'stages'>, stage: number, n: number): string {
  return `${n} ${workerNoun(config, stage)}${n === 1 ? '' : 's'}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "1,180/s". */
export function perSecond(rate: number): string {
  return `${Math.round(rate).toLocaleString('en-US')}/s`;
}

/** "+21 %", "−2 %". */
export function signedPercent(change: number): string {
  const p = Math.round(change * 100);
  return `${p < 0 ? '−' : '+'}${Math.abs(p)} %`;
}
