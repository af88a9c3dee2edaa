/**
 * Queue throughput: BoundedQueue between real workers (1P1C, 2P2C, 4P4C; single numbers, batches,
 * small objects), against postMessage and Python's queue.Queue measured in the same run. Every row
 * is checked exactly-once: each item must arrive once, none lost, none duplicated.
 */
import { execFileSync } from 'node:child_process';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Barrier, BoundedQueue, SENTINEL } from '../dist/index.js';
import { runWorkers } from './run-workers.js';
import type { Row } from './table.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

interface Timing {
  start: number;
  end: number;
}

type Mode = 'single' | 'batch' | 'object';

/** One run through BoundedQueue: items/s over the span from the first start to the last end. */
async function queueRun(producers: number, consumers: number, total: number, mode: Mode, capacity: number, latency = false) {
  const q = new BoundedQueue({ capacity, slotBytes: mode === 'object' ? 128 : 16, stampItems: latency });
  const start = new Barrier(producers + consumers);
  const batch = 256;
  const consuming = runWorkers<Timing & { seen: Uint8Array; ages: number[] }>(worker('queue-consumer'), consumers, () => ({ queue: q.handle, start: start.handle, total, mode, batch, latency }));
  const producing = await runWorkers<Timing>(worker('queue-producer'), producers, (index) => ({ queue: q.handle, start: start.handle, index, producers, total, mode, batch }));
  for (let i = 0; i < consumers; i++) await q.putAsync(SENTINEL);
  const consumed = await consuming;
  const seen = new Uint8Array(total);
  for (const c of consumed) for (let i = 0; i < total; i++) seen[i]! += c.seen[i]!;
  const verified = seen.every((x) => x === 1);
  const t0 = Math.min(...producing.map((p) => p.start), ...consumed.map((c) => c.start));
  const t1 = Math.max(...consumed.map((c) => c.end));
  return { rate: total / ((t1 - t0) / 1000), verified, ages: consumed.flatMap((c) => c.ages), contended: q.lockStats().contended };
}

async function postMessageRun(total: number, batch: number) {
  const { port1, port2 } = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const consumer = runWorkers<{ end: number; ok: boolean }>(worker('postmessage-consumer'), 1, () => ({ port: port2, total, ready }), () => [port2]);
  const producer = runWorkers<{ start: number }>(worker('postmessage-producer'), 1, () => ({ port: port1, total, batch, ready }), () => [port1]);
  const [[p], [c]] = await Promise.all([producer, consumer]);
  return { rate: total / ((c!.end - p!.start) / 1000), verified: c!.ok };
}

function pythonRun(total: number, capacity: number): { rate: number; verified: boolean } | undefined {
  try {
    const out = execFileSync('python3', [fileURLToPath(new URL('./python-queue.py', import.meta.url)), String(total), String(capacity)], { encoding: 'utf8', timeout: 300_000 });
    const [rate, ok] = out.trim().split(' ');
    return { rate: Number(rate), verified: ok === 'ok' };
  } catch {
    return undefined;
  }
}

/** Best of `runs` (highest rate): the least-disturbed run on a shared machine. */
async function best<T extends { rate: number }>(runs: number, fn: () => Promise<T>): Promise<T> {
  let top: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    if (!top || r.rate > top.rate) top = r;
  }
  return top!;
}

export async function queueBenchmarks(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const runs = quick ? 1 : 3;
  const n = quick ? 200_000 : 2_000_000;
  const capacity = 1024;

  const pm = await best(runs, () => postMessageRun(n, 1));
  const pmBatch = await best(runs, () => postMessageRun(n * 5, 1024));
  const py = pythonRun(quick ? 100_000 : 1_000_000, capacity);

  const vs = (rate: number): string => {
    const parts = [`${(rate / pm.rate).toFixed(1)}× postMessage`];
    if (py) parts.push(`${(rate / py.rate).toFixed(1)}× Python`);
    return parts.join(', ');
  };

  let single1 = 0;
  for (const [p, c] of [[1, 1], [2, 2], [4, 4]] as const) {
    const r = await best(runs, () => queueRun(p, c, n, 'single', capacity));
    if (p === 1) single1 = r.rate;
    rows.push({ group: 'queue', name: `BoundedQueue ${p}P${c}C, numbers, capacity ${capacity}`, value: r.rate, unit: 'items/s', verified: r.verified, note: p === 1 ? vs(r.rate) : `${(r.rate / single1).toFixed(2)}× 1P1C` });
  }
  for (const [p, c] of [[1, 1], [2, 2], [4, 4]] as const) {
    const r = await best(runs, () => queueRun(p, c, n * 5, 'batch', capacity));
    rows.push({ group: 'queue', name: `BoundedQueue ${p}P${c}C, putMany/getMany of 256 numbers`, value: r.rate, unit: 'items/s', verified: r.verified, note: `${(r.rate / pmBatch.rate).toFixed(2)}× postMessage batched` });
  }
  const obj = await best(runs, () => queueRun(1, 1, n / 4, 'object', capacity));
  rows.push({ group: 'queue', name: 'BoundedQueue 1P1C, small objects { id, name, tags }', value: obj.rate, unit: 'items/s', verified: obj.verified, note: `${(obj.rate / pm.rate).toFixed(2)}× postMessage (numbers)` });

  const handoff = await queueRun(1, 1, quick ? 5_000 : 50_000, 'single', 1, true);
  const ages = handoff.ages.sort((a, b) => a - b);
  const pct = (q: number): number => ages[Math.min(ages.length - 1, Math.floor(q * ages.length))]! * 1000;
  rows.push({ group: 'queue', name: 'capacity 1 hand-off, put→get latency p50', value: pct(0.5), unit: 'µs', verified: handoff.verified });
  rows.push({ group: 'queue', name: 'capacity 1 hand-off, put→get latency p99', value: pct(0.99), unit: 'µs', verified: handoff.verified });
  rows.push({ group: 'queue', name: 'capacity 1 hand-off throughput', value: handoff.rate, unit: 'items/s', verified: handoff.verified });

  rows.push({ group: 'baseline', name: 'postMessage 1P1C, one number per message', value: pm.rate, unit: 'items/s', verified: pm.verified });
  rows.push({ group: 'baseline', name: 'postMessage 1P1C, Int32Array of 1024 per message', value: pmBatch.rate, unit: 'items/s', verified: pmBatch.verified });
  if (py) rows.push({ group: 'baseline', name: `Python ${pythonVersion()} threading + queue.Queue 1P1C`, value: py.rate, unit: 'items/s', verified: py.verified });
  else rows.push({ group: 'baseline', name: 'Python queue.Queue: skipped (no python3 on PATH)', value: Number.NaN, unit: 'items/s' });
  return rows;
}

function pythonVersion(): string {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim().replace('Python ', '');
  } catch {
    return '?';
  }
}
