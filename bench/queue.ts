/**
 * Queue throughput: BoundedQueue between real workers (1P1C, 2P2C, 4P4C; single numbers, batches,
 * small objects; records of 1 KiB and 64 KiB, past a slot; capacity-1 hand-off latency), against
 * postMessage, Python's queue.Queue and Java's ArrayBlockingQueue measured in the same run (Python
 * and Java where they are on the PATH).
 * Every row is checked exactly-once: each item must arrive once, none lost, none duplicated.
 * Each queue row is the median of its runs (9 in the full bench, 3 with --quick), shown with its
 * slowest and fastest run: the rate of one run varies with where the threads land and what else
 * the machine runs, and a median alone hides a bimodal row.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Barrier, BoundedQueue, SENTINEL } from '../dist/index.js';
import { runWorkers } from './run-workers.js';
import { type Goal, median, type Row, type Spread } from './table.js';

const worker = (name: string): URL => new URL(`./workers/${name}.ts`, import.meta.url);

interface Timing {
  start: number;
  end: number;
}

type Mode = 'single' | 'batch' | 'object' | 'large';

interface Result {
  rate: number;
  verified: boolean;
  /** For the median of several runs: the slowest and fastest. */
  spread?: Spread;
}

/** One run through BoundedQueue: items/s over the span from the first start to the last end. */
async function queueRun(
  producers: number,
  consumers: number,
  total: number,
  mode: Mode,
  capacity: number,
  latency = false,
  itemBytes = 0,
) {
  const slotBytes = mode === 'object' ? 128 : mode === 'large' ? 256 : 16; // 'large': the default slot
  const q = new BoundedQueue({ capacity, slotBytes, stampItems: latency });
  const start = new Barrier(producers + consumers);
  const batch = 256;
  const consuming = runWorkers<Timing & { seen: Uint8Array; ages: number[] }>(
    worker('queue-consumer'),
    consumers,
    () => ({ queue: q.handle, start: start.handle, total, mode, batch, latency, itemBytes }),
  );
  const producing = await runWorkers<Timing>(worker('queue-producer'), producers, (index) => ({
    queue: q.handle,
    start: start.handle,
    index,
    producers,
    total,
    mode,
    batch,
    itemBytes,
  }));
  for (let i = 0; i < consumers; i++) await q.putAsync(SENTINEL);
  const consumed = await consuming;
  const seen = new Uint8Array(total);
  for (const c of consumed) for (let i = 0; i < total; i++) seen[i]! += c.seen[i]!;
  const verified = seen.every((x) => x === 1);
  const t0 = Math.min(...producing.map((p) => p.start), ...consumed.map((c) => c.start));
  const t1 = Math.max(...consumed.map((c) => c.end));
  return { rate: total / ((t1 - t0) / 1000), verified, ages: consumed.flatMap((c) => c.ages) };
}

type PostKind = 'number' | 'object' | 'int32' | 'array' | 'large';

async function postMessageRun(total: number, kind: PostKind, batch = 1, itemBytes?: number): Promise<Result> {
  const { port1, port2 } = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const consumer = runWorkers<{ end: number; ok: boolean }>(
    worker('postmessage-consumer'),
    1,
    () => ({ port: port2, total, ready, itemBytes }),
    () => [port2],
  );
  const producer = runWorkers<{ start: number }>(
    worker('postmessage-producer'),
    1,
    () => ({ port: port1, total, batch, kind, ready, itemBytes }),
    () => [port1],
  );
  const [[p], [c]] = await Promise.all([producer, consumer]);
  return { rate: total / ((c!.end - p!.start) / 1000), verified: c!.ok };
}

function pythonRun(total: number, capacity: number): Result | undefined {
  try {
    const out = execFileSync(
      'python3',
      [fileURLToPath(new URL('./python-queue.py', import.meta.url)), String(total), String(capacity)],
      { encoding: 'utf8', timeout: 300_000 },
    );
    const [rate, ok] = out.trim().split(' ');
    return { rate: Number(rate), verified: ok === 'ok' };
  } catch {
    return undefined;
  }
}

/** Java's ArrayBlockingQueue with the same items, capacity and worker counts (bench/java/AbqBench.java). */
function javaRun(total: number, capacity: number, producers: number, consumers: number): Result | undefined {
  try {
    const source = fileURLToPath(new URL('./java/AbqBench.java', import.meta.url));
    const args = [source, String(total), String(capacity), String(producers), String(consumers)];
    const [rate, ok] = execFileSync('java', args, { encoding: 'utf8', timeout: 300_000 }).trim().split(' ');
    return { rate: Number(rate), verified: ok === 'ok' };
  } catch {
    return undefined;
  }
}

/** Whether `command --version` runs (javac tells a JDK, which can run a source file, from a JRE). */
function onPath(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Median rate of `runs` runs, with the slowest and fastest; verified only if every run was. */
async function medianOf<T extends Result>(runs: number, fn: () => Promise<T> | T): Promise<Result> {
  const results: Result[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  const rates = results.map((r) => r.rate);
  return {
    rate: median(rates),
    verified: results.every((r) => r.verified),
    spread: { min: Math.min(...rates), max: Math.max(...rates), runs },
  };
}

/** The parts of the queue suite `--only` can pick (see bench/main.ts). */
export const QUEUE_PARTS = ['single', 'batch', 'object', 'large', 'handoff'] as const;
export type QueuePart = (typeof QUEUE_PARTS)[number];

export async function queueBenchmarks(quick: boolean, parts: ReadonlySet<QueuePart>): Promise<Row[]> {
  const rows: Row[] = [];
  const runs = quick ? 1 : 5; // the baselines'
  const queueRuns = quick ? 3 : 9;
  const n = quick ? 300_000 : 2_000_000;
  const capacity = 1024;
  const M = 1e6;
  const none: Result = { rate: Number.NaN, verified: false };
  const single = parts.has('single');

  const pm = single ? await medianOf(runs, () => postMessageRun(n, 'number')) : none;
  const pmObject = parts.has('object') ? await medianOf(runs, () => postMessageRun(n / 4, 'object')) : none;
  const pmInt32 = parts.has('batch') ? await medianOf(runs, () => postMessageRun(n * 5, 'int32', 1024)) : none;
  const pmArray = parts.has('batch') ? await medianOf(runs, () => postMessageRun(n * 5, 'array', 1024)) : none;
  const python = single
    ? await medianOf(
        quick ? 1 : 3,
        () => pythonRun(quick ? 100_000 : 1_000_000, capacity) ?? { rate: Number.NaN, verified: false },
      )
    : none;
  const py = Number.isNaN(python.rate) ? undefined : python;
  const hasJava = single && onPath('java') && onPath('javac');
  const java = new Map<number, Result>();
  if (hasJava) {
    for (const w of [1, 2, 4]) {
      const r = await medianOf(
        quick ? 1 : 3,
        () => javaRun(n, capacity, w, w) ?? { rate: Number.NaN, verified: false },
      );
      if (!Number.isNaN(r.rate)) java.set(w, r);
    }
  }

  let single1: Result = none;
  if (single) {
    for (const [p, c] of [
      [1, 1],
      [2, 2],
      [4, 4],
    ] as const) {
      const r = await medianOf(queueRuns, () => queueRun(p, c, n, 'single', capacity));
      const abq = java.get(p);
      // The issue's goals: at least Java's ArrayBlockingQueue at 1P1C and 2P2C; 4P4C at least 0.7× 1P1C.
      const vsJava =
        abq && p <= 2
          ? { text: `≥ 1× Java ABQ ${p}P${c}C`, target: 1, better: 'higher' as const, of: abq.rate }
          : undefined;
      const javaNote = abq ? `, ${(r.rate / abq.rate).toFixed(2)}× Java ABQ` : '';
      if (p === 1) single1 = r;
      const vsOthers =
        p === 1
          ? `${(r.rate / pm.rate).toFixed(1)}× postMessage${py ? `, ${(r.rate / py.rate).toFixed(1)}× Python` : ''}`
          : `${(r.rate / single1.rate).toFixed(2)}× 1P1C`;
      const otherwise: Goal =
        p === 1
          ? { text: '≥ 10 M/s', target: 10 * M, better: 'higher' }
          : { text: '≥ 0.7× 1P1C', target: 0.7, better: 'higher', of: single1.rate };
      rows.push({
        group: 'queue',
        name: `BoundedQueue ${p}P${c}C, numbers, capacity ${capacity}`,
        value: r.rate,
        unit: 'items/s',
        verified: r.verified,
        spread: r.spread,
        note: vsOthers + javaNote,
        goal: vsJava ?? otherwise,
      });
    }
  }
  let batch1 = Number.NaN;
  if (parts.has('batch')) {
    for (const [p, c] of [
      [1, 1],
      [2, 2],
      [4, 4],
    ] as const) {
      const r = await medianOf(queueRuns, () => queueRun(p, c, n * 5, 'batch', capacity));
      if (p === 1) batch1 = r.rate;
      rows.push({
        group: 'queue',
        name: `BoundedQueue ${p}P${c}C, putMany/getMany of 256 numbers`,
        value: r.rate,
        unit: 'items/s',
        verified: r.verified,
        spread: r.spread,
        note: `${(r.rate / pmInt32.rate).toFixed(2)}× postMessage Int32Array`,
        ...(p === 1 ? { goal: { text: '≥ 50 M/s', target: 50 * M, better: 'higher' as const } } : {}),
      });
    }
  }
  if (parts.has('object')) {
    const obj = await medianOf(queueRuns, () => queueRun(1, 1, n / 4, 'object', capacity));
    rows.push({
      group: 'queue',
      name: 'BoundedQueue 1P1C, small objects { id, name, tags }',
      value: obj.rate,
      unit: 'items/s',
      verified: obj.verified,
      spread: obj.spread,
      note: `${(obj.rate / pmObject.rate).toFixed(2)}× postMessage objects`,
      goal: { text: '≥ 2× postMessage objects', target: 2, better: 'higher', of: pmObject.rate },
    });
  }
  if (parts.has('large')) rows.push(...(await largeRows(quick, runs, n, capacity)));
  if (parts.has('handoff')) rows.push(...(await handoffRows(quick)));

  if (single) {
    rows.push({
      group: 'goal',
      name: `BoundedQueue 1P1C numbers: slowest of ${queueRuns} runs ÷ their median`,
      value: (single1.spread?.min ?? Number.NaN) / single1.rate,
      unit: '×',
      goal: { text: '≥ 0.8×', target: 0.8, better: 'higher' },
    });
    rows.push({
      group: 'goal',
      name: 'BoundedQueue 1P1C numbers ÷ postMessage one number per message',
      value: single1.rate / pm.rate,
      unit: '×',
      goal: { text: '≥ 5×', target: 5, better: 'higher' },
    });
    if (py)
      rows.push({
        group: 'goal',
        name: 'BoundedQueue 1P1C numbers ÷ Python queue.Queue 1P1C',
        value: single1.rate / py.rate,
        unit: '×',
        goal: { text: '≥ 10×', target: 10, better: 'higher' },
      });
  }
  if (parts.has('batch'))
    rows.push({
      group: 'goal',
      name: 'BoundedQueue 1P1C batches ÷ postMessage Int32Array of 1024',
      value: batch1 / pmInt32.rate,
      unit: '×',
      goal: { text: '≥ 1×', target: 1, better: 'higher' },
    });

  const baseline = (name: string, r: Result): void => {
    if (!Number.isNaN(r.rate))
      rows.push({ group: 'baseline', name, value: r.rate, unit: 'items/s', verified: r.verified, spread: r.spread });
  };
  baseline('postMessage 1P1C, one number per message', pm);
  baseline('postMessage 1P1C, one { id, name, tags } per message', pmObject);
  baseline('postMessage 1P1C, Int32Array of 1024 per message (transferred)', pmInt32);
  baseline('postMessage 1P1C, Array of 1024 numbers per message', pmArray);
  if (!single) return rows;
  if (py) baseline(`Python ${pythonVersion()} threading + queue.Queue 1P1C, capacity ${capacity}`, py);
  else
    rows.push({
      group: 'baseline',
      name: 'Python queue.Queue: skipped (no python3 on PATH)',
      value: Number.NaN,
      unit: 'items/s',
    });
  for (const [w, r] of java)
    baseline(`Java ${javaVersion()} ArrayBlockingQueue ${w}P${w}C, numbers, capacity ${capacity}`, r);
  if (java.size === 0)
    rows.push({
      group: 'baseline',
      name: `Java ArrayBlockingQueue: skipped (${hasJava ? 'the run failed' : 'no java and javac on PATH'})`,
      value: Number.NaN,
      unit: 'items/s',
    });
  return rows;
}

/**
 * Records past a slot (1 KiB and 64 KiB bodies, through the overflow area), 1P1C, against
 * postMessage of the same record per message in the same run; the consumers check every body.
 */
async function largeRows(quick: boolean, runs: number, n: number, capacity: number): Promise<Row[]> {
  const rows: Row[] = [];
  const baselines: Row[] = [];
  for (const [label, bytes, total] of [
    ['1 KiB', 1024, n / 8],
    ['64 KiB', 64 * 1024, quick ? 1_500 : 20_000],
  ] as const) {
    const pm = await medianOf(runs, () => postMessageRun(total, 'large', 1, bytes));
    const r = await medianOf(runs, () => queueRun(1, 1, total, 'large', capacity, false, bytes));
    rows.push({
      group: 'queue',
      name: `BoundedQueue 1P1C, records { id, body } of ${label} (overflow area)`,
      value: r.rate,
      unit: 'items/s',
      verified: r.verified,
      spread: r.spread,
      note: `${(r.rate / pm.rate).toFixed(2)}× postMessage, ${((r.rate * bytes) / 2 ** 30).toFixed(2)} GiB/s`,
    });
    baselines.push({
      group: 'baseline',
      name: `postMessage 1P1C, one record { id, body } of ${label} per message`,
      value: pm.rate,
      unit: 'items/s',
      verified: pm.verified,
      spread: pm.spread,
    });
  }
  return [...rows, ...baselines];
}

/** The capacity-1 hand-off: one run with many items (percentiles of all of them), the median run's rate. */
async function handoffRows(quick: boolean): Promise<Row[]> {
  const handoffs = [];
  for (let i = 0; i < (quick ? 1 : 3); i++)
    handoffs.push(await queueRun(1, 1, quick ? 5_000 : 50_000, 'single', 1, true));
  const ages = handoffs.flatMap((h) => h.ages).sort((a, b) => a - b);
  const pct = (q: number): number => ages[Math.min(ages.length - 1, Math.floor(q * ages.length))]! * 1000;
  const handoffOk = handoffs.every((h) => h.verified);
  return [
    {
      group: 'queue',
      name: 'capacity 1 hand-off, put→get latency p50',
      value: pct(0.5),
      unit: 'µs',
      verified: handoffOk,
      goal: { text: '≤ 20 µs', target: 20, better: 'lower' },
    },
    {
      group: 'queue',
      name: 'capacity 1 hand-off, put→get latency p99',
      value: pct(0.99),
      unit: 'µs',
      verified: handoffOk,
    },
    {
      group: 'queue',
      name: 'capacity 1 hand-off throughput',
      value: median(handoffs.map((h) => h.rate)),
      unit: 'items/s',
      verified: handoffOk,
    },
  ];
}

/** "17.0.15" from `java -version`, which prints to stderr. */
function javaVersion(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return /version "([^"]+)"/.exec(r.stderr ?? '')?.[1] ?? '?';
}

function pythonVersion(): string {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim().replace('Python ', '');
  } catch {
    return '?';
  }
}
