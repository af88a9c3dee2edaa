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
 *
 * Loading has a deadline, LOAD_DEADLINE_MS (PIPELINE_TUI_LOAD_TIMEOUT_MS overrides it): a module
 * whose top-level `await` never settles, or whose top level never returns, is refused with the
 * same kind of message instead of leaving the run waiting for it forever.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModule, NO_TSX } from '../threads/load-module.js';
import { moduleUrl, ownModule, spawnWorker } from '../threads/spawn.js';
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

/**
 * How long a user module may take to load (import and top level) before it is refused: long
 * enough for one that connects somewhere or compiles TypeScript on a slow, busy CI machine.
 */
export const LOAD_DEADLINE_MS = 30_000;
const DEADLINE_VARIABLE = 'PIPELINE_TUI_LOAD_TIMEOUT_MS';

/** The load deadline: LOAD_DEADLINE_MS, or PIPELINE_TUI_LOAD_TIMEOUT_MS. @throws UserModuleError for a bad value */
export function loadDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[DEADLINE_VARIABLE];
  if (text === undefined || text === '') return LOAD_DEADLINE_MS;
  const ms = Number(text);
  if (!(Number.isInteger(ms) && ms > 0))
    throw new UserModuleError(`${DEADLINE_VARIABLE} must be a whole number of milliseconds above 0, got "${text}"`);
  return ms;
}

/** Why a module that did not load by the deadline is refused, and what to do if it is only slow. */
const tooSlow = (ms: number): string =>
  `did not finish loading within ${ms / 1000} s (a top-level await that never settles, or a loop?); ` +
  `if it is only slow, raise ${DEADLINE_VARIABLE}`;

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

const LATE = Symbol('late');

async function load(path: string, exportName: string, flag: string): Promise<(...args: never[]) => unknown> {
  const url = moduleUrl(path);
  const deadline = loadDeadlineMs();
  let mod: Record<string, unknown> | typeof LATE;
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, deadline, LATE)));
    mod = await Promise.race([loadModule(url.href), late]);
  } catch (error) {
    throw new UserModuleError(`${flag} ${path}: ${loadProblem(url, error)}`);
  } finally {
    clearTimeout(timer);
  }
  if (mod === LATE) throw new UserModuleError(`${flag} ${path}: ${tooSlow(deadline)}`);
  const fn = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') {
    throw new UserModuleError(`${flag} ${path}: the module must export a function named "${exportName}"`);
  }
  return fn as (...args: never[]) => unknown;
}

/** A module to check: its path, the flag that named it, and what it must export. */
export interface ModuleToCheck {
  path: string;
  flag: string;
  exportName: string;
}

/** What the checking worker (check-modules-main.ts) tells the main thread. */
export type CheckMessage = { type: 'loading'; index: number } | { type: 'refused'; message: string } | { type: 'ok' };

const CHECK_MAIN = ownModule(import.meta.url, './check-modules-main');

/**
 * Loads the run's user modules once and checks their exports, so that a bad one is refused before
 * any worker starts. They load in a worker of their own, ended once they are checked: a module
 * that never finishes loading — an await that never settles, a top level that never returns —
 * is refused at the deadline, and nothing it started (a timer, a connection) outlives the check.
 * @throws UserModuleError naming the flag, the file and the problem.
 */
export async function checkUserModules(
  config: Pick<PipelineConfig, 'producer' | 'consumer'> & Partial<Pick<PipelineConfig, 'stages'>>,
): Promise<void> {
  const modules: ModuleToCheck[] = [
    ...(config.producer !== undefined ? [{ path: config.producer, flag: '--producer', exportName: 'produce' }] : []),
    ...(config.stages ?? []).map((s) => ({ path: s.module, flag: '--stage', exportName: 'transform' })),
    ...(config.consumer !== undefined ? [{ path: config.consumer, flag: '--consumer', exportName: 'consume' }] : []),
  ];
  if (modules.length === 0) return;
  const deadline = loadDeadlineMs();
  const worker = spawnWorker(CHECK_MAIN, { workerData: { modules } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let current = modules[0]!;
      const refuse = (problem: string): void =>
        reject(new UserModuleError(`${current.flag} ${current.path}: ${problem}`));
      // Each module's deadline, from when the worker starts on it (its own start-up is not the module's doing).
      // The worker's deadline (in load) fires first for an await; this one catches a top level that never returns.
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => refuse(tooSlow(deadline)), deadline);
      };
      worker.on('message', (m: CheckMessage) => {
        if (m.type === 'loading') {
          current = modules[m.index]!;
          arm();
        } else if (m.type === 'refused') reject(new UserModuleError(m.message));
        else resolve();
      });
      // Thrown by the module after its top level, from a timer or a promise nobody awaited.
      worker.on('error', (e) => refuse(`cannot load the module: ${e.message.split('\n')[0]}`));
      worker.on('exit', (code) => refuse(`the module ended its thread while loading (exit code ${code})`));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** Loads a module as a run's worker would and checks its export (in the checking worker). */
export async function checkModule({ path, flag, exportName }: ModuleToCheck): Promise<void> {
  await load(path, exportName, flag);
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
