/**
 * Scale-out on a stream: `pipeline-tui run --broker` (the built command) with its own consumers,
 * joined by two `pipeline-tui worker` processes, every consumer sleeping 10 ms per item
 * (`--work sleep --jitter 0`, capacity 1024), so the ideal is consumers × 100 items/s. The rate is
 * read off the run's metrics log over the window in which every consumer, in all three processes,
 * has taken items, up to 90 % of the run: the processes' start-up (Node loading the workers) is left out,
 * and so is the tail, where consumers run out of items.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const WORK_MS = 10;
/** Entries that may wait in the stream, as in the other broker rows. */
export const SCALE_CAPACITY = 1024;

interface Sample {
  t: number;
  totals: { consumed: number };
  workers: Array<{ role: string; items: number }>;
  broker?: { duplicates: number };
}

function cli(args: string[]): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.once('close', resolve));
}

export interface ScaleResult {
  rate: number;
  verified: boolean;
  /** The window measured, ms, and what was in it. */
  windowMs: number;
}

/** One run of `consumers` consumers split over the run and two worker processes, with `items` items. */
export async function scaleRun(url: string, stream: string, consumers: number, items: number): Promise<ScaleResult> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  const perWorker = Math.floor(consumers / 3);
  const own = consumers - 2 * perWorker;
  const metrics = join(mkdtempSync(join(tmpdir(), 'bench-scale-')), 'run.jsonl');
  const workload = ['--produce-ms', '0', '--consume-ms', String(WORK_MS), '--work', 'sleep', '--jitter', '0'];
  // The broker rows' capacity: the default (16 entries waiting) is less than what 32 consumers read
  // at a time (5 each at 10 ms per item), and they went without between the producers' puts.
  workload.push('--capacity', String(SCALE_CAPACITY));
  const run = cli(
    ['run', '--broker', url, '--stream', stream, '-p', '2', '-c', String(own), '-n', String(items), ...workload]
      // No stall verdict while the processes start on a busy machine.
      .concat(['--refresh', '200', '--stall-ms', '120000', '--metrics', metrics, '--json']),
  );
  const deadline = performance.now() + 60_000;
  while ((await redis.hget(`${stream}:run`, 'phase')) !== 'running') {
    if (performance.now() > deadline) throw new Error(`the run on ${stream} was not announced within 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const joined = [1, 2].map(() =>
    cli(['worker', '--broker', url, '--stream', stream, '--role', 'consumer', '-c', String(perWorker), '--json']),
  );
  const codes = await Promise.all([run, ...joined]);
  redis.disconnect();
  const samples = readFileSync(metrics, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"snapshot"'))
    .map((l) => (JSON.parse(l) as { snapshot: Sample }).snapshot);
  const all = (s: Sample): boolean => s.workers.filter((w) => w.role === 'consumer' && w.items > 0).length >= consumers;
  const from = samples.find(all) ?? samples.find((s) => s.totals.consumed > 0);
  const to = samples.filter((s) => s.totals.consumed <= items * 0.9).at(-1);
  const last = samples.at(-1);
  const windowMs = from && to ? to.t - from.t : 0;
  const rate = from && to && windowMs > 0 ? ((to.totals.consumed - from.totals.consumed) * 1000) / windowMs : NaN;
  const verified =
    codes.every((c) => c === 0) &&
    last?.totals.consumed === items &&
    (last?.broker?.duplicates ?? 0) === 0 &&
    from !== undefined &&
    all(from);
  return { rate, verified, windowMs };
}
