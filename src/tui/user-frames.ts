/**
 * Where in the user's own code an error was thrown: the frames of its stack that are neither
 * Node's internals, nor this package, nor a dependency in node_modules — `at consume (./c.mjs:3:9)`,
 * with a path under the current directory shown relative to it. The summary shows the first few
 * under its `Error:` line; the whole stack is in `--json` and the metrics log.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's code: the folder above this one (dist/ as installed, src/ in a checkout). */
const OWN = fileURLToPath(new URL('..', import.meta.url));

/** Frames the summary shows at most. */
export const USER_FRAMES_SHOWN = 3;

/** The user's frames of `stack`, at most `max`, each as "at name (./file:line:column)". */
export function userFrames(stack: string | undefined, max = USER_FRAMES_SHOWN, cwd = process.cwd()): string[] {
  const frames: string[] = [];
  for (const line of stack?.split('\n') ?? []) {
    if (frames.length >= max) break;
    const frame = /^\s+at (?:(.+?) \((.+)\)|(.+))$/.exec(line);
    if (frame === null) continue;
    const [, name, inParens, bare] = frame;
    const place = /^(.*):(\d+):(\d+)$/.exec(inParens ?? bare!);
    const path = place === null ? undefined : pathOf(place[1]!);
    if (path === undefined || path.startsWith(OWN) || path.split(sep).includes('node_modules')) continue;
    const shown = `${shortPath(path, cwd)}:${place![2]}:${place![3]}`;
    frames.push(name === undefined ? `at ${shown}` : `at ${name} (${shown})`);
  }
  return frames;
}

/** The file of a frame's location, or undefined for Node's own (`node:…`) and anything not a file. */
function pathOf(location: string): string | undefined {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(location) ? location : undefined;
}

function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : `.${sep}${rel}`;
}
