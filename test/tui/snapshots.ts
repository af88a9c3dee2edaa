/**
 * Fixtures for the TUI tests: Snapshots, worker rows and Summaries with sensible defaults,
 * overridden per test, and a recording fake of PipelineControls.
 */
import { DEFAULTS } from '../../src/pipeline/config.js';
import type {
  DashboardControls,
  LinkRow,
  PipelineConfig,
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

/**
 * A worker row; the role, stage and index follow from the id: "P1", "C3" (one link, consumers are
 * stage 1), "S2.1" (stage 2's first worker). A consumer of a longer chain needs `stage` overridden.
 */
export function makeWorker(id: string, overrides: Partial<WorkerRow> = {}): WorkerRow {
  const staged = /^S(\d+)\.(\d+)$/.exec(id);
  const role: WorkerRole = staged ? 'stage' : id.startsWith('P') ? 'producer' : 'consumer';
  return {
    id,
    role,
    stage: staged ? Number(staged[1]) : role === 'producer' ? 0 : 1,
    index: (staged ? Number(staged[2]) : Number(id.slice(1))) - 1,
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

/** A link 8/16 deep, high water 16, with any field overridden. */
export function makeLink(overrides: Partial<LinkRow> = {}): LinkRow {
  return {
    depth: 8,
    capacity: 16,
    highWater: 16,
    putBlocked: 0,
    getBlocked: 0,
    sentinelsSent: 0,
    closed: false,
    ...overrides,
  };
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
    links: [makeLink({ putBlocked: 3, getBlocked: 1 })],
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

/**
 * A running snapshot of a longer chain: producers, one `--stage` per name, consumers, `workers`
 * workers each (ids P1, S1.1, …, C1), every link 8/16; then `overrides` as for makeSnapshot.
 */
export function makeStagedSnapshot(
  names: readonly string[],
  overrides: DeepPartial<Snapshot> = {},
  workers = 2,
): Snapshot {
  const last = names.length + 1;
  const stageWorkers = (i: number): WorkerRow[] =>
    Array.from({ length: workers }, (_, k) =>
      i === 0
        ? makeWorker(`P${k + 1}`)
        : i === last
          ? makeWorker(`C${k + 1}`, { stage: last })
          : makeWorker(`S${i}.${k + 1}`),
    );
  const row = (s: StageRow): StageRow => ({ ...s, workers, running: workers });
  return makeSnapshot({
    config: { ...CONFIG, stages: names.map((name) => ({ module: `./${name}.js`, name, workers })) },
    stages: [
      row(stageRow('producers', 'producer', { out: 1204, rate: 98 })),
      ...names.map((name) => row(stageRow(name, 'stage', { in: 1100, out: 1000, dropped: 90, rate: 95 }))),
      row(stageRow('consumers', 'consumer', { in: 1000, rate: 90 })),
    ],
    links: Array.from({ length: last }, () => makeLink()),
    workers: Array.from({ length: last + 1 }, (_, i) => stageWorkers(i)).flat(),
    ...overrides,
    shutdown: { producers: workers, consumers: workers, ...overrides.shutdown },
  });
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

export type ControlName = keyof DashboardControls;

/** DashboardControls that only record which methods were called, in order: "pause", "addWorker(0)". */
export function recordingControls(): DashboardControls & { calls: string[] } {
  const calls: string[] = [];
  const rec =
    (name: ControlName) =>
    (...args: unknown[]) => {
      calls.push(args.length > 0 ? `${name}(${args.join(', ')})` : name);
    };
  return {
    calls,
    stop: rec('stop'),
    interrupt: rec('interrupt'),
    abort: rec('abort'),
    pause: rec('pause'),
    resume: rec('resume'),
    addWorker: rec('addWorker'),
    removeWorker: rec('removeWorker'),
  };
}
