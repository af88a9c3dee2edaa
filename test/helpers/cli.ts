/** Runs the BUILT command-line tool (dist/, as `npx pipeline-tui` does) as a child process. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { userEnv } from './user-env.js';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables on top of a user's environment (see user-env.ts). */
  env?: Record<string, string>;
  /** Flags for node itself, before the bin (e.g. `--import` a probe). */
  nodeArgs?: string[];
  /** Kill it and reject after this long. */
  deadlineMs?: number;
  /** Its working directory (default: the test's). */
  cwd?: string;
  /** A file descriptor to give it as stdout (e.g. /dev/full opened) instead of a pipe; `stdout` is then ''. */
  stdoutFd?: number;
}

/** A started `pipeline-tui`: the child (to signal it, or close its stdout) and its result. */
export interface CliProcess {
  /** Its stdout is null when it was given `stdoutFd`. */
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves when it exits; rejects (after killing it) at the deadline. */
  result: Promise<CliResult>;
  /** Resolves with stdout so far once it matches `pattern` (rejects if it exits first). */
  stdoutMatching(pattern: RegExp): Promise<string>;
  /** The same for stderr. */
  stderrMatching(pattern: RegExp): Promise<string>;
}

/** Starts `pipeline-tui ...args` with no TTY, in a user's environment plus `env`. */
export function startCli(
  args: string[],
  { env = {}, nodeArgs = [], deadlineMs = 60_000, stdoutFd, cwd }: CliOptions = {},
): CliProcess {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    env: userEnv(env),
    cwd,
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `pipeline-tui ${args.join(' ')} did not exit within ${deadlineMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, deadlineMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  const matching = (name: 'stdout' | 'stderr', pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const stream = child[name];
      const text = (): string => (name === 'stdout' ? stdout : stderr);
      const check = (): void => {
        if (!pattern.test(text())) return;
        stream?.off('data', check);
        resolve(text());
      };
      stream?.on('data', check);
      check();
      result.then(() => reject(new Error(`pipeline-tui exited before ${name} matched ${pattern}:\n${text()}`)), reject);
    });
  return {
    child,
    result,
    stdoutMatching: (pattern) => matching('stdout', pattern),
    stderrMatching: (pattern) => matching('stderr', pattern),
  };
}

/** Runs `pipeline-tui ...args` with no TTY to its end (see startCli). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}
