/**
 * Naming the code a Thread or executor task runs. Functions cannot cross into a worker, so a
 * target is a module and the name of a function it exports:
 *
 *     './work.js'                       the default export of ./work.js (a path: resolved from cwd)
 *     './work.js#crunch'                its export `crunch`
 *     new URL('./work.js', import.meta.url)
 *     { module: './work.js', export: 'crunch' }
 */
import { moduleUrl } from './spawn.js';

export type Target = string | URL | { module: string | URL; export?: string };

export interface ResolvedTarget {
  /** The module's URL (href). */
  module: string;
  /** The exported function's name. */
  name: string;
}

export function resolveTarget(target: Target): ResolvedTarget {
  if (target instanceof URL) {
    const module = new URL(target.href);
    module.hash = '';
    return { module: module.href, name: exportOf(target.hash) ?? 'default' };
  }
  if (typeof target === 'string') {
    const hash = target.lastIndexOf('#');
    const path = hash > 0 ? target.slice(0, hash) : target;
    const url = moduleUrl(path);
    return { module: url.href, name: (hash > 0 ? target.slice(hash + 1) : undefined) || 'default' };
  }
  if (target && typeof target === 'object' && 'module' in target) {
    return { module: moduleUrl(target.module).href, name: target.export ?? 'default' };
  }
  throw new TypeError(
    'target must name a module and an exported function ("./work.js#crunch", a URL, or { module, export }), ' +
      `got ${String(target)}`,
  );
}

function exportOf(hash: string): string | undefined {
  return hash.length > 1 ? decodeURIComponent(hash.slice(1)) : undefined;
}

/**
 * Checks `args` (Python's `args=` tuple). The classic mistake `args=('hello')` is a bare value;
 * here a bare value gets an error that shows the fix.
 */
export function checkArgs(args: unknown): unknown[] {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args;
  const shown = typeof args === 'string' ? JSON.stringify(args) : String(args);
  throw new TypeError(
    `args must be an array of arguments; got ${typeof args === 'string' ? 'a string' : `a ${typeof args}`}` +
      ` — did you mean args: [${shown}]?`,
  );
}
