/**
 * A real terminal for end-to-end tests: the built command runs inside a detached tmux session
 * (a real pty, raw mode and all), keys are typed with `send-keys`, and the screen is read with
 * `capture-pane` — what a person at the terminal would see. Each session has its own tmux
 * server socket, so tests never touch a user's tmux.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { until } from './poll.js';
import { scratchDir } from './scratch.js';
import { userEnv } from './user-env.js';

/** Whether tmux can be run here (the end-to-end tests are skipped, with a note, when not). */
export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

let sessions = 0;

export class TmuxSession {
  private readonly socket = `pipeline-tui-test-${process.pid}-${++sessions}`;
  private readonly exitFile: string;
  private readonly ttyFile: string;

  /** Starts `pipeline-tui ...args` in a `columns` × `rows` terminal (`before`: a shell command to run first). */
  constructor(args: string[], { columns = 110, rows = 36, env = {} as Record<string, string>, before = '' } = {}) {
    const dir = scratchDir('tmux'); // removed when the test that started the session finishes
    this.exitFile = join(dir, 'exit');
    this.ttyFile = join(dir, 'stty');
    // env -i: the command sees a user's shell environment, not the tmux server's or vitest's.
    const vars = Object.entries(userEnv(env)).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const program = `${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}`;
    const command = [
      `${before} env -i ${vars.join(' ')} ${program}`,
      'code=$?',
      `stty -a > ${shellQuote(this.ttyFile)}`,
      `echo $code > ${shellQuote(this.exitFile)}`,
      'sleep 600',
    ].join('; ');
    this.tmux('new-session', '-d', '-x', String(columns), '-y', String(rows), command);
  }

  /** The screen as text (`escapes`: with its colour escape sequences). */
  screen({ escapes = false } = {}): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []));
  }

  /** Types keys (tmux key names: 'q', 'C-c', '+'). */
  keys(...keys: string[]): void {
    for (const key of keys) this.tmux('send-keys', key);
  }

  /** Resizes the terminal, as a person dragging the window would. */
  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-x', String(columns), '-y', String(rows));
  }

  /** Waits until the screen matches `pattern`; returns the screen. */
  async waitFor(pattern: RegExp, ms = 30_000): Promise<string> {
    let last = '';
    const matches = (): boolean => {
      last = this.screen();
      return pattern.test(last);
    };
    await until(matches, `screen to show ${pattern}; it shows:\n${last}`, ms).catch((error: Error) => {
      throw new Error(error.message.replace(/it shows:\n[\s\S]*$/, `it shows:\n${last}`));
    });
    return last;
  }

  /** Waits for the command to exit; returns its exit code. */
  async exitCode(ms = 30_000): Promise<number> {
    await until(
      () => existsSync(this.exitFile) && readFileSync(this.exitFile, 'utf8').endsWith('\n'),
      'the command to exit',
      ms,
    );
    return Number(readFileSync(this.exitFile, 'utf8'));
  }

  /** The terminal's settings (`stty -a`) once the command has exited: whether it was put back. */
  terminalAfterExit(): { raw: boolean; echo: boolean } {
    const stty = readFileSync(this.ttyFile, 'utf8');
    return { raw: /(^|\s)-icanon\b/.test(stty), echo: !/(^|\s)-echo\b/.test(stty) };
  }

  /** Ends the session and its tmux server. */
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { env: userEnv() });
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: userEnv() });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
