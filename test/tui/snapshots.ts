/**
 * Fixtures for the TUI tests: Snapshots, worker rows and Summaries with sensible defaults,
 * overridden per test, and a recording fake of PipelineControls.
 */
import { DEFAULTS } from '../../src/pipeline/config.js';
import type {
  PipelineConfig,
  PipelineControls,
  Snapshot,
  StageRow,
  Summary,
  WorkerRole,
  WorkerRow,
} from '../../src/pipeline/types.js';

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** The defaults, with numbers the tests assert on: 2 consumers, 1,000 items, 5 and 8 ms of work ±20 %. */
export const CONFIG: PipelineConfig = {
  ...DEFAULTS,
  consumers: 2,
  items: 1000,
  produceMs: 5,
  consumeMs: 8,
  jitter: 0.2,
};

/** A worker row; the role and index follow from the id ("P1", "C3"). */
export function makeWorker(id: string, overrides: Partial<WorkerRow> = {}): WorkerRow {
  const role = id.startsWith('P') ? 'producer' : 'consumer';
  return {
    id,
    role,
    stage: role === 'producer' ? 0 : 1,
    index: Number(id.slice(1)) - 1,
    state: role === 'producer' ? 'producing' : 'consuming',
    items: 100,
    rate: 50,
    blockedFraction: 0,
    blockedMs: 0,
    ...overrides,
  };
}

/** `n` producers and `m` consumers in their default states. */
export function makeWorkers(n: number, m: number): WorkerRow[] {
  return [
    ...Array.from({ length: n }, (_, i) => makeWorker(`P${i + 1}`)),
    ...Array.from({ length: m }, (_, i) => makeWorker(`C${i + 1}`)),
  ];
}

/** A stage row of 2 workers, both running, with any field overridden. */
export function stageRow(name: string, role: WorkerRole, overrides: Partial<StageRow> = {}): StageRow {
  const zero = { in: 0, out: 0, dropped: 0, rate: 0, blockedOnInput: 0, blockedOnOutput: 0 };
  return { name, role, workers: 2, running: 2, ...zero, ...overrides };
}

/** A running snapshot of 2 producers and 2 consumers, with any field overridden (one level deep). */
export function makeSnapshot(overrides: DeepPartial<Snapshot> = {}): Snapshot {
  const base: Snapshot = {
    t: 12_300,
    state: 'running',
    config: CONFIG,
    stages: [
      stageRow('producers', 'producer', { out: 1204, rate: 98, blockedOnOutput: 0.3 }),
      stageRow('consumers', 'consumer', { in: 1190, rate: 97, blockedOnInput: 0.05 }),
    ],
    links: [{ depth: 8, capacity: 16, highWater: 16, putBlocked: 3, getBlocked: 1, sentinelsSent: 0, closed: false }],
    totals: { produced: 1204, consumed: 1190 },
    rates: { produced: 98, consumed: 97 },
    latencyMs: { p50: 3.1, p95: 8.2, p99: 12 },
    lock: { acquisitions: 2500, contended: 75 },
    workers: makeWorkers(2, 2),
    shutdown: {
      mode: 'sentinel',
      producersDone: 0,
      producers: 2,
      sentinelsSent: 0,
      consumersExited: 0,
      consumers: 2,
      ms: undefined,
    },
  };
  const o = overrides as Partial<Record<keyof Snapshot, unknown>>;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(o)) {
    const b = (base as unknown as Record<string, unknown>)[key];
    merged[key] =
      b && typeof b === 'object' && !Array.isArray(b) && value && typeof value === 'object' && !Array.isArray(value)
        ? { ...b, ...value }
        : value;
  }
  return merged as unknown as Snapshot;
}

/** A sequence of snapshots one refresh apart, `f(i)` giving each one's overrides. */
export function makeSequence(n: number, f: (i: number) => DeepPartial<Snapshot>, stepMs = 100): Snapshot[] {
  return Array.from({ length: n }, (_, i) => makeSnapshot({ t: i * stepMs, ...f(i) }));
}

export function makeSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    produced: 1000,
    consumed: 1000,
    durationMs: 3300,
    itemsPerSecond: 303,
    latencyMs: { p50: 3.1, p95: 8.2, p99: 12 },
    shutdown: { mode: 'sentinel', sentinelsSent: 2, consumersExited: 2, ms: 42 },
    stages: [
      { name: 'producers', workers: 2, in: 0, out: 1000, dropped: 0 },
      { name: 'consumers', workers: 2, in: 1000, out: 0, dropped: 0 },
    ],
    links: [{ capacity: 16, highWater: 16 }],
    workers: [
      { id: 'P1', role: 'producer', stage: 0, items: 500, state: 'done', blockedMs: 1200 },
      { id: 'P2', role: 'producer', stage: 0, items: 500, state: 'done', blockedMs: 0 },
      { id: 'C1', role: 'consumer', stage: 1, items: 480, state: 'done', blockedMs: 0 },
      { id: 'C2', role: 'consumer', stage: 1, items: 520, state: 'done', blockedMs: 0 },
    ],
    endedBy: 'completed',
    ...overrides,
  };
}

export type ControlName = keyof PipelineControls;

/** PipelineControls that only record which methods were called, in order: "pause", "addWorker(0)". */
export function recordingControls(): PipelineControls & { calls: string[] } {
  const calls: string[] = [];
  const rec =
    (name: ControlName) =>
    (...args: unknown[]) => {
      calls.push(args.length > 0 ? `${name}(${args.join(', ')})` : name);
    };
  return {
    calls,
    stop: rec('stop'),
    abort: rec('abort'),
    pause: rec('pause'),
    resume: rec('resume'),
    addWorker: rec('addWorker'),
    removeWorker: rec('removeWorker'),
  };
}
