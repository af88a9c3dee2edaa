/**
 * The shape of a run: a chain of stages joined by links.
 *
 *   producers ─link 0─▶ stage 1 ─link 1─▶ … ─▶ stage k ─link k─▶ consumers
 *
 * Stage 0 is the producers, stages 1…k are the `--stage` modules in the order given, the last is
 * the consumers; link i joins stage i and stage i + 1. A run without `--stage` is the chain of
 * length one: producers, one link, consumers.
 */
import { basename, extname } from 'node:path';
import { moduleUrl } from '../threads/spawn.js';
import type { PipelineConfig, WorkerRole } from './types.js';

/** One stage of the chain as configured. */
export interface ChainStage {
  /** "producers", the stage's module name ("keep-odd"), or "consumers". */
  name: string;
  role: WorkerRole;
  /** Workers it starts with. */
  workers: number;
  /** The stage's transform module (`--stage`), for stage workers. */
  module?: string;
}

/** Workers a `--stage module` gets when no `=N` is given. */
export const DEFAULT_STAGE_WORKERS = 2;

/** The chain of a configuration, producers first and consumers last. */
export function chainOf(config: Pick<PipelineConfig, 'producers' | 'consumers' | 'stages'>): ChainStage[] {
  return [
    { name: 'producers', role: 'producer', workers: config.producers },
    ...config.stages.map((s): ChainStage => ({ name: s.name, role: 'stage', workers: s.workers, module: s.module })),
    { name: 'consumers', role: 'consumer', workers: config.consumers },
  ];
}

/** How a stage module is shown: its file name without the extension ("./keep-odd.mjs" → "keep-odd"). */
export function stageName(module: string): string {
  const file = basename(decodeURIComponent(moduleUrl(module).pathname));
  return file.slice(0, file.length - extname(file).length) || file;
}

/** A worker's display id: "P1", "C3", or "S2.1" (stage 2's first worker). */
export function workerId(role: WorkerRole, stage: number, index: number): string {
  if (role === 'producer') return `P${index + 1}`;
  if (role === 'consumer') return `C${index + 1}`;
  return `S${stage}.${index + 1}`;
}
