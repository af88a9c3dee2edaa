/**
 * Closes a real terminal under the built command (hangup.py): the command runs as the session
 * leader of a new pseudo-terminal, and once its screen shows `pattern` the terminal is closed, as
 * a dropped ssh session closes it. Resolves with how the command ended.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';
import { userEnv } from './user-env.js';

const SCRIPT = fileURLToPath(new URL('./hangup.py', import.meta.url));

/** Whether python3 (and its pty module) can be run here; the hangup tests are skipped, with a note, when not. */
export const HAS_PTY = spawnSync('python3', ['-c', 'import pty']).status === 0;

export interface HangupResult {
  /** Whether the screen showed the pattern before the terminal was closed. */
  shown: boolean;
  /** It had not exited by the deadline (and was killed). */
  timedOut: boolean;
  code: number | null;
  signal: number | null;
  /** The last of what the terminal showed before it was closed. */
  screen: string;
}

export interface HangupOptions {
  /** Where its stderr goes instead of the terminal (to read what it printed after the hangup). */
  stderrFile?: string;
  cwd?: string;
  /** Seconds for the whole: the pattern to show, then the exit. */
  deadlineS?: number;
}

export function hangUpOn(
  args: string[],
  pattern: RegExp,
  { stderrFile, cwd, deadlineS = 45 }: HangupOptions = {},
): Promise<HangupResult> {
  const argv = [SCRIPT, pattern.source, stderrFile ?? '-', String(deadlineS), process.execPath, BIN, ...args];
  const child = spawn('python3', argv, { env: userEnv(), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    // The script keeps its own deadline; this one is for the script itself.
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`hangup.py did not finish within ${deadlineS + 15} s\n${stderr}`));
      },
      (deadlineS + 15) * 1000,
    );
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`hangup.py exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as HangupResult);
    });
  });
}
