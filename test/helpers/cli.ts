/** Runs the BUILT command-line tool (dist/, as `npx pipeline-tui` does) as a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pipeline-tui ...args` with no TTY; kills it and rejects after `deadlineMs`. */
export function runCli(args: string[], { env = {}, deadlineMs = 60_000 }: { env?: Record<string, string>; deadlineMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pipeline-tui ${args.join(' ')} did not exit within ${deadlineMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, deadlineMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
