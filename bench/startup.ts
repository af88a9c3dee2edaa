/**
 * Start-up: the built command as a user runs it (a clean environment: PATH, HOME, TERM), each
 * figure held against a bare `node -e 0` timed in the same run, in turn with it, so a busy spell
 * on a shared machine hits both alike. `--version` and `--help` are timed from spawn to exit; the
 * first dashboard frame from the moment tmux lets the command start to the moment the terminal
 * received the dashboard's chain (the `Workers` table), against a node that prints that word.
 * Runs alone: `tsx bench/startup.ts [--quick]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type Row } from './table.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color' };
/** What the first dashboard frame has that nothing before it has. */
const FRAME_MARK = 'Workers';
const DEADLINE_MS = 60_000;

/** Wall time of one whole process, spawn to exit, in ms. */
function timeProcess(args: string[]): Promise<number> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: ENV, stdio: ['ignore', 'ignore', 'ignore'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (code === 0) resolve(performance.now() - began);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
}

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]|\u001B\][^\u0007]*\u0007/g;

/**
 * Wall time until a program run in a fresh 110×36 tmux terminal has written `mark`, in ms. The
 * session waits on a tmux channel before it starts the program, so the pane's output is being
 * captured (pipe-pane) before the clock starts.
 */
async function timeFirstOutput(program: string, mark: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ptui-startup-'));
  const socket = `ptui-startup-${process.pid}`;
  const out = join(dir, 'pane');
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const vars = Object.entries(ENV).map(([k, v]) => `${k}='${v}'`);
  let pid = 0;
  try {
    tmux(
      'new-session',
      '-d',
      '-x',
      '110',
      '-y',
      '36',
      `tmux -L ${socket} wait-for go; exec env -i ${vars.join(' ')} ${program}`,
    );
    pid = Number(tmux('display-message', '-p', '#{pane_pid}').stdout);
    tmux('pipe-pane', '-o', `cat > '${out}'`);
    const began = performance.now();
    tmux('wait-for', '-S', 'go');
    for (;;) {
      let seen = '';
      try {
        seen = readFileSync(out, 'utf8').replace(ANSI, '');
      } catch {
        // not created yet
      }
      if (seen.includes(mark)) return performance.now() - began;
      if (performance.now() - began > DEADLINE_MS) throw new Error(`${program}: no '${mark}' within ${DEADLINE_MS} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    // Killed, not hung up on: a hang-up asks a run for a graceful stop, which would outlive the session.
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it has exited already
    }
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Median ms of `a` and of `b`, run in turn `runs` times each. */
async function paired(runs: number, a: () => Promise<number>, b: () => Promise<number>) {
  const [as, bs] = [[] as number[], [] as number[]];
  await a(); // warm the file cache
  await b();
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return { a: median(as), b: median(bs) };
}

function rowsFor(name: string, t: { a: number; b: number }, goal: number): Row[] {
  return [
    { group: 'startup', name, value: t.a, unit: 'ms', note: `node -e 0: ${t.b.toFixed(0)} ms` },
    {
      group: 'goal',
      name: `${name} ÷ node -e 0`,
      value: t.a / t.b,
      unit: '×',
      goal: { text: `≤ ${goal}×`, target: goal, better: 'lower' },
    },
  ];
}

export async function startupBenchmarks(quick: boolean): Promise<Row[]> {
  const runs = quick ? 1 : 7;
  const bare = () => timeProcess(['-e', '0']);
  const rows: Row[] = [];
  for (const flag of ['--version', '--help'])
    rows.push(...rowsFor(`pipeline-tui ${flag}`, await paired(runs, () => timeProcess([BIN, flag]), bare), 2));
  if (spawnSync('tmux', ['-V']).status !== 0) {
    rows.push({ group: 'startup', name: 'first dashboard frame: skipped (no tmux)', value: Number.NaN, unit: 'ms' });
    return rows;
  }
  const node = quote(process.execPath);
  const frame = await paired(
    runs,
    () => timeFirstOutput(`${node} ${quote(BIN)} -n 1000000`, FRAME_MARK),
    () => timeFirstOutput(`${node} -e ${quote(`process.stdout.write('${FRAME_MARK}')`)}`, FRAME_MARK),
  );
  rows.push(...rowsFor('first dashboard frame (tmux, 110×36)', frame, 5));
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { formatTable } = await import('./table.js');
  console.log(formatTable(await startupBenchmarks(process.argv.includes('--quick'))));
}
