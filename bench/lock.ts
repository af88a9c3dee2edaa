/**
 * Lock micro-benchmarks: the uncontended acquire+release cost (the fast path: one
 * compareExchange each way) and a contended counter across two workers.
 */
import { Barrier, BoundedSemaphore, Lock, RLock, Semaphore } from '../dist/index.js';
import { runWorkers } from './run-workers.js';
import { median, type Row } from './table.js';

function nsPerOp(iterations: number, body: (n: number) => void): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    body(iterations);
    runs.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  return median(runs);
}

export async function lockBenchmarks(quick: boolean): Promise<Row[]> {
  const n = quick ? 1_000_000 : 10_000_000;
  const lock = new Lock();
  const rlock = new RLock();
  const sem = new Semaphore(1);
  const bsem = new BoundedSemaphore(1);
  const plain = { locked: false };
  const rows: Row[] = [];
  const baseline = nsPerOp(n, (k) => {
    for (let i = 0; i < k; i++) {
      plain.locked = true;
      plain.locked = false;
    }
  });
  const add = (name: string, ns: number): void => {
    rows.push({
      group: 'lock',
      name,
      value: ns,
      unit: 'ns',
      ...(name.startsWith('Lock ') ? { goal: { text: '≤ 50 ns', target: 50, better: 'lower' as const } } : {}),
    });
  };
  add(
    'Lock acquire+release, uncontended',
    nsPerOp(n, (k) => {
      for (let i = 0; i < k; i++) {
        lock.acquire();
        lock.release();
      }
    }),
  );
  add(
    'RLock acquire+release, uncontended',
    nsPerOp(n, (k) => {
      for (let i = 0; i < k; i++) {
        rlock.acquire();
        rlock.release();
      }
    }),
  );
  add(
    'Semaphore acquire+release, uncontended',
    nsPerOp(n, (k) => {
      for (let i = 0; i < k; i++) {
        sem.acquire();
        sem.release();
      }
    }),
  );
  add(
    'BoundedSemaphore acquire+release, uncontended',
    nsPerOp(n, (k) => {
      for (let i = 0; i < k; i++) {
        bsem.acquire();
        bsem.release();
      }
    }),
  );
  add('baseline: a JS boolean set and cleared', baseline);

  const iterations = quick ? 100_000 : 1_000_000;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const start = new Barrier(2);
  const timings = await runWorkers<number>(new URL('./workers/lock-counter.ts', import.meta.url), 2, () => ({
    lock: lock.handle,
    counter,
    iterations,
    start: start.handle,
  }));
  const seconds = Math.max(...timings) / 1000;
  rows.push({
    group: 'lock',
    name: '2 workers incrementing a shared counter under Lock',
    value: (2 * iterations) / seconds,
    unit: 'items/s',
    verified: counter[0] === 2 * iterations,
    note: `${lock.stats().contended} contended acquisitions`,
  });
  return rows;
}
