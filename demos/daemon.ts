/**
 * Lesson: daemon and non-daemon threads at exit.
 *
 * Python waits for every non-daemon thread before the process exits, and simply stops daemon
 * threads. This toolkit does the same. The lesson runs daemon-program.ts in a child process and
 * watches it: the main thread returns at once, the process stays up until the non-daemon thread
 * has finished, then exits — while the daemon thread, which never finishes, is still ticking.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LessonContext } from './lesson.js';

const PROGRAM = new URL(`./daemon-program${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** How long the child may take before the lesson gives up on it (it should exit in well under a second). */
const CHILD_DEADLINE_MS = 30_000;

export interface DaemonResult {
  /** The child's exit code; null if it had to be killed (the daemon kept it alive: a bug). */
  exitCode: number | null;
  nonDaemonFinished: boolean;
  /** Ticks the daemon printed before the process exited under it. */
  daemonTicks: number;
  /** The main thread's line came before the non-daemon's last: the process outlived its main code. */
  mainReturnedFirst: boolean;
}

export async function main({ quick, out }: LessonContext): Promise<DaemonResult> {
  const tickMs = quick ? 30 : 500;
  // In development the program is TypeScript: let the child load it through tsx, as our workers do.
  const loader = PROGRAM.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  out.print(`$ node daemon-program ${tickMs}`);
  const child = spawn(process.execPath, [...loader, fileURLToPath(PROGRAM), String(tickMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      out.print(`  | ${line}`);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(killer);
  const finished = lines.indexOf('non-daemon: finished');
  const result: DaemonResult = {
    exitCode,
    nonDaemonFinished: finished >= 0,
    daemonTicks: lines.filter((l) => l.startsWith('daemon    : tick')).length,
    mainReturnedFirst: lines.findIndex((l) => l.startsWith('main')) < finished,
  };
  out.print(
    `The process exited (code ${String(exitCode)}) once the non-daemon thread finished; the daemon thread, ` +
      `which never finishes, was stopped after ${result.daemonTicks} ticks.`,
  );
  return result;
}
