/**
 * Loading the user's own producer and consumer modules.
 *
 *   // producer.mjs — any (async) iterable of items
 *   export async function* produce(ctx) { for (let i = 0; i < 100; i++) yield { id: i }; }
 *
 *   // consumer.mjs — called once per item, may be async
 *   export async function consume(item, ctx) { await save(item); }
 *
 *   // keep-odd.mjs — a --stage: returns the item for the next stage, or undefined to drop it
 *   export function transform(item, ctx) { return item.n % 2 === 1 ? item : undefined; }
 *
 * `ctx` is {@link WorkerContext}. A module that lacks the export is refused with a message
 * naming the module and the function it must export. TypeScript (.ts, .mts, .cts) loads through
 * tsx, found from the module's folder or the current directory (load-module.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModule, NO_TSX } from '../threads/load-module.js';
import { moduleUrl } from '../threads/spawn.js';
import type { PipelineConfig, WorkerRole } from './types.js';

export interface WorkerContext {
  /** Display id, e.g. "P1", "C2" or "S1.2" (stage 1's second worker). */
  id: string;
  role: WorkerRole;
  /** 0-based index among the workers of its stage. */
  index: number;
  /** This worker's seed (derived from the run's `--seed`). */
  seed: number;
  /** Aborted when the run is asked to stop: a producer should end its iterable soon after. */
  signal: AbortSignal;
}

export type Produce = (ctx: WorkerContext) => Iterable<unknown> | AsyncIterable<unknown>;
export type Consume = (item: unknown, ctx: WorkerContext) => unknown;
/** Returns (or resolves to) the item for the next stage; undefined drops it. */
export type Transform = (item: unknown, ctx: WorkerContext) => unknown;

/** A user module that does not have the shape we need. */
export class UserModuleError extends Error {
  override name = 'UserModuleError';
}

/** Where a syntax error is (`line:column`), from `node --check`, which prints the line and a caret under it. */
function syntaxErrorAt(file: string): string | undefined {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const lines = check.stderr.split('\n');
  const at = lines.findIndex((l) => /:\d+$/.test(l));
  if (at === -1) return undefined;
  const line = /:(\d+)$/.exec(lines[at]!)![1];
  const caret = lines[at + 2]?.indexOf('^') ?? -1;
  return caret >= 0 ? `${line}:${caret + 1}` : line;
}

/** Why a module would not load, in one line (with line:column for a syntax error). */
function loadProblem(url: URL, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = String(e?.message ?? error).split('\n')[0]!;
  const missing = url.protocol === 'file:' && !existsSync(fileURLToPath(url));
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && missing) return 'no such file';
  if (message === NO_TSX) return message;
  // tsx (esbuild) names the place itself: "Transform failed with 1 error:\n/path/c.ts:2:18: ERROR: …"
  const transform = /^.*:(\d+):(\d+): ERROR: (.*)$/m.exec(String(e?.message ?? ''));
  if (transform) return `syntax error at ${transform[1]}:${transform[2]}: ${transform[3]}`;
  if (e instanceof SyntaxError && url.protocol === 'file:') {
    const where = syntaxErrorAt(fileURLToPath(url));
    return `syntax error${where ? ` at ${where}` : ''}: ${message}`;
  }
  return `cannot load the module: ${message}`;
}

async function load(path: string, exportName: string, flag: string): Promise<(...args: never[]) => unknown> {
  const url = moduleUrl(path);
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(url.href);
  } catch (error) {
    throw new UserModuleError(`${flag} ${path}: ${loadProblem(url, error)}`);
  }
  const fn = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') {
    throw new UserModuleError(`${flag} ${path}: the module must export a function named "${exportName}"`);
  }
  return fn as (...args: never[]) => unknown;
}

/**
 * Loads the run's user modules once in the calling (main) thread and checks their exports, so
 * that a bad one is refused before any worker starts. @throws UserModuleError naming the flag,
 * the file and the problem.
 */
export async function checkUserModules(
  config: Pick<PipelineConfig, 'producer' | 'consumer'> & Partial<Pick<PipelineConfig, 'stages'>>,
): Promise<void> {
  if (config.producer !== undefined) await loadProducer(config.producer);
  for (const stage of config.stages ?? []) await loadTransform(stage.module);
  if (config.consumer !== undefined) await loadConsumer(config.consumer);
}

export async function loadProducer(path: string): Promise<Produce> {
  return (await load(path, 'produce', '--producer')) as Produce;
}

export async function loadConsumer(path: string): Promise<Consume> {
  return (await load(path, 'consume', '--consumer')) as Consume;
}

export async function loadTransform(path: string): Promise<Transform> {
  return (await load(path, 'transform', '--stage')) as Transform;
}
