/**
 * Loading the user's own producer and consumer modules.
 *
 *   // producer.mjs — any (async) iterable of items
 *   export async function* produce(ctx) { for (let i = 0; i < 100; i++) yield { id: i }; }
 *
 *   // consumer.mjs — called once per item, may be async
 *   export async function consume(item, ctx) { await save(item); }
 *
 * `ctx` is {@link WorkerContext}. A module that lacks the export is refused with a message
 * naming the module and the function it must export.
 */
import { moduleUrl } from '../threads/spawn.js';
import type { WorkerRole } from './types.js';

export interface WorkerContext {
  /** Display id, e.g. "P1" or "C2". */
  id: string;
  role: WorkerRole;
  /** 0-based index among workers of this role. */
  index: number;
  /** This worker's seed (derived from the run's `--seed`). */
  seed: number;
  /** Aborted when the run is asked to stop: a producer should end its iterable soon after. */
  signal: AbortSignal;
}

export type Produce = (ctx: WorkerContext) => Iterable<unknown> | AsyncIterable<unknown>;
export type Consume = (item: unknown, ctx: WorkerContext) => unknown;

/** A user module that does not have the shape we need. */
export class UserModuleError extends Error {
  override name = 'UserModuleError';
}

async function load(path: string, exportName: string, flag: string): Promise<(...args: never[]) => unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(moduleUrl(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserModuleError(`${flag} ${path}: cannot load the module: ${(error as Error).message}`);
  }
  const fn = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') {
    throw new UserModuleError(`${flag} ${path}: the module must export a function named "${exportName}"`);
  }
  return fn as (...args: never[]) => unknown;
}

export async function loadProducer(path: string): Promise<Produce> {
  return (await load(path, 'produce', '--producer')) as Produce;
}

export async function loadConsumer(path: string): Promise<Consume> {
  return (await load(path, 'consume', '--consumer')) as Consume;
}
