/**
 * The `--autoscale` policy, driven by synthetic snapshot sequences of a modelled pipeline whose
 * best counts are known by construction: each stage moves at most (workers × 1000 / ms per item)
 * items/s, the run moves at the pace of its slowest stage, and the judge names that stage. The
 * policy must climb to the best counts, take back the step that did not pay, and stop there.
 */
import { describe, expect, it } from 'vitest';
import {
  type AutoscaleAction,
  AutoscaleError,
  AutoscalePolicy,
  autoscaleLimits,
  defaultMaxWorkers,
  MEASURE_MS,
  SETTLE_MS,
} from '../../src/pipeline/autoscale.js';
import type { PipelineConfig, Snapshot } from '../../src/pipeline/types.js';
import { mulberry32 } from '../../src/pipeline/workload.js';
import { CONFIG, makeSnapshot, makeWorker, stageRow } from '../tui/snapshots.js';

const STEP_MS = 100;

interface Model {
  /** Milliseconds per item of each stage, producers first. */
  ms: number[];
  /** Relative noise of the rate in each 100 ms (0.1 = ±10 %). */
  noise?: number;
  /** Counts to start from. */
  start: number[];
  /** A pool of this many permits at first: the consumers work at most that many at a time. */
  pool?: number;
  /** Whether the policy may resize the pool. */
  poolResizable?: boolean;
  /** The CPU share the process uses (0..1 of all cores). */
  cpu?: number;
  max?: number;
  cpuBound?: boolean;
  /** The judge names no stage. */
  unjudged?: boolean;
}

/** Items/s stage `i` can move; the consumers (the last) only as many at once as the pool has permits. */
const capacity = (ms: number[], counts: number[], i: number, pool = Infinity): number =>
  ((i === ms.length - 1 ? Math.min(counts[i]!, pool) : counts[i]!) * 1000) / ms[i]!;

/** The slowest stage (ties: the one furthest downstream, as backpressure shows it). */
function slowest(ms: number[], counts: number[], pool?: number): number {
  let worst = 0;
  for (let i = 1; i < ms.length; i++) if (capacity(ms, counts, i, pool) <= capacity(ms, counts, worst, pool)) worst = i;
  return worst;
}

function configFor(model: Model): PipelineConfig {
  const middle = model.ms.slice(1, -1).map((_, i) => ({ module: `./s${i + 1}.mjs`, name: `s${i + 1}`, workers: 1 }));
  return {
    ...CONFIG,
    items: undefined, // a run for a duration, not a budget: the model makes items for as long as it runs
    producers: model.start[0]!,
    stages: middle.map((s, i) => ({ ...s, workers: model.start[i + 1]! })),
    consumers: model.start.at(-1)!,
    ...(model.pool !== undefined ? { pool: model.pool } : {}),
  };
}

/**
 * Runs the policy against the model for `seconds` of simulated time, applying its actions at once.
 * Returns the counts it ended with, every action, and the policy.
 */
function simulate(model: Model, seconds = 300) {
  const config = configFor(model);
  const policy = new AutoscalePolicy(config, {
    max: model.max ?? 64,
    cores: 2,
    cpuBound: model.cpuBound ?? false,
    poolResizable: model.poolResizable ?? false,
  });
  const counts = [...model.start];
  let pool = model.pool;
  const random = mulberry32(7);
  const actions: AutoscaleAction[] = [];
  let consumed = 0;
  for (let t = 0; t <= seconds * 1000 && !policy.finished; t += STEP_MS) {
    const rate = Math.min(...model.ms.map((_, i) => capacity(model.ms, counts, i, pool)));
    consumed += (rate * STEP_MS * (1 + (model.noise ?? 0) * (2 * random() - 1))) / 1000;
    const named = model.unjudged ? undefined : slowest(model.ms, counts, pool);
    const s = snapshotOf(t, counts, Math.floor(consumed), named, pool);
    const action = policy.observe(s, t * 2 * (model.cpu ?? 0));
    if (action !== undefined) {
      actions.push(action);
      if (action.kind === 'pool') pool = action.size;
      else counts[action.stage]! += action.kind === 'add' ? 1 : -1;
    }
  }
  return { counts, pool, actions, policy };
}

function snapshotOf(
  t: number,
  counts: number[],
  consumed: number,
  bottleneck: number | undefined,
  pool?: number,
): Snapshot {
  const last = counts.length - 1;
  const name = (i: number) => (i === 0 ? 'producers' : i === last ? 'consumers' : `s${i}`);
  const role = (i: number) => (i === 0 ? 'producer' : i === last ? 'consumer' : 'stage');
  return makeSnapshot({
    t,
    stages: counts.map((n, i) => stageRow(name(i), role(i), { workers: n, running: n })),
    workers: counts.flatMap((n, i) => Array.from({ length: n }, (_, k) => makeWorker(`P${i}.${k}`))),
    totals: { produced: consumed, consumed },
    bottleneck:
      bottleneck === undefined
        ? undefined
        : {
            stage: bottleneck,
            name: pool !== undefined && pool < counts[last]! && bottleneck === last ? 'the pool' : name(bottleneck),
            evidence: '',
          },
    ...(pool !== undefined
      ? {
          pool: {
            size: pool,
            inUse: pool,
            waiting: 1,
            maxInUse: pool,
            acquisitions: 1,
            waits: 1,
            waitedMs: 1,
            waitedFraction: 0.5,
          },
        }
      : {}),
  });
}

const texts = (policy: AutoscalePolicy) => policy.outcome().decisions.map((d) => d.text);

describe('autoscale policy', () => {
  it('1 producer at 2 ms and consumers at 8 ms: climbs to 4 consumers, takes the 5th back, settles', () => {
    const { counts, actions, policy } = simulate({ ms: [2, 8], start: [1, 1], noise: 0.1 });
    expect(counts).toEqual([1, 4]);
    expect(actions).toEqual([
      { kind: 'add', stage: 1 },
      { kind: 'add', stage: 1 },
      { kind: 'add', stage: 1 },
      { kind: 'add', stage: 1 },
      { kind: 'remove', stage: 1 },
    ]);
    expect(policy.finished).toBe(true);
    const said = texts(policy);
    expect(said[0]).toMatch(/^\+1 consumer → 2\d\d\/s \(\+\d+ %\)$/);
    expect(said).toContain(said.find((t) => /^kept 4 consumers: a 5th (gained|lost) \d %$/.test(t)));
    expect(said.at(-1)).toMatch(/^settled: another consumer does not pay: -p 1 -c 4 \(\d+\/s\)$/);
    expect(policy.outcome()).toMatchObject({ workers: [1, 4], flags: '-p 1 -c 4', done: true });
  });

  it('follows the judge along a chain: the stage, then the consumers, then the stage again', () => {
    const { counts, policy } = simulate({ ms: [1, 3, 2], start: [1, 1, 1], noise: 0.05 });
    expect(counts).toEqual([1, 3, 2]);
    expect(policy.outcome().flags).toBe('-p 1 --stage ./s1.mjs=3 -c 2');
    expect(texts(policy).filter((t) => t.startsWith('+1 s1 worker'))).toHaveLength(2);
  });

  it('adds producers when they are what holds the run back', () => {
    // 250/s a producer against 2 consumers of 1,000/s each: 8 producers match them.
    const { counts } = simulate({ ms: [4, 1], start: [1, 2] });
    expect(counts).toEqual([8, 2]);
  });

  it('a noisy rate that does not rise past its noise is not a gain', () => {
    // Already balanced: any step gains nothing but noise (±30 % every 100 ms).
    const { counts, actions, policy } = simulate({ ms: [2, 8], start: [1, 4], noise: 0.3 });
    expect(counts).toEqual([1, 4]);
    expect(actions).toEqual([
      { kind: 'add', stage: 1 },
      { kind: 'remove', stage: 1 },
    ]);
    expect(policy.finished).toBe(true);
  });

  it('stops at the most workers it may run', () => {
    const { counts, policy } = simulate({ ms: [1, 8], start: [1, 1], max: 5 });
    expect(counts).toEqual([1, 4]);
    expect(texts(policy).at(-1)).toMatch(/^stopped at 5 workers, the most it may run \(--autoscale=5\)/);
  });

  it('stops when the CPUs are saturated, for CPU-bound work', () => {
    const { counts, policy } = simulate({ ms: [1, 8], start: [1, 1], cpu: 0.95, cpuBound: true });
    expect(counts).toEqual([1, 1]);
    expect(texts(policy)).toEqual([expect.stringMatching(/^stopped: the CPUs are saturated \(95 % of 2 cores\)/)]);
    // The same CPU share for work that sleeps says nothing: it goes on.
    expect(simulate({ ms: [1, 8], start: [1, 1], cpu: 0.95 }).counts).toEqual([1, 8]);
  });

  it('the pool named and it cannot be resized: settles, saying to raise --pool', () => {
    const { counts, policy } = simulate({ ms: [1, 8], start: [1, 8], pool: 2 });
    expect(counts).toEqual([1, 8]);
    expect(texts(policy)).toEqual([expect.stringMatching(/^settled: the pool holds the run back \(raise --pool/)]);
  });

  it('the pool named: raises it a permit at a time to the size that carries the producer, takes the last back', () => {
    // 1 producer at 1 ms (1,000/s); 12 consumers at 8 ms behind a pool of 2: 8 permits carry it.
    const { counts, pool, actions, policy } = simulate({
      ms: [1, 8],
      start: [1, 12],
      pool: 2,
      poolResizable: true,
      noise: 0.1,
    });
    expect(counts).toEqual([1, 12]);
    expect(pool).toBe(8);
    expect(actions.map((a) => (a.kind === 'pool' ? a.size : a))).toEqual([3, 4, 5, 6, 7, 8, 9, 8]);
    const said = texts(policy);
    expect(said[0]).toMatch(/^\+1 pool permit → 3\d\d\/s \(\+\d+ %\)$/);
    expect(said).toContainEqual(expect.stringMatching(/^kept the pool at 8: a 9th permit (gained|lost) \d %$/));
    expect(said.at(-1)).toMatch(/^settled: another pool permit does not pay: -p 1 -c 12 --pool 8 \(\d,?\d+\/s\)$/);
    expect(policy.outcome()).toMatchObject({ workers: [1, 12], pool: 8, flags: '-p 1 -c 12 --pool 8', done: true });
  });

  it('no stage named: measures again twice (the judge may name one yet), then settles', () => {
    const { counts, actions, policy } = simulate({ ms: [2, 8], start: [1, 1], unjudged: true });
    expect(counts).toEqual([1, 1]);
    expect(actions).toEqual([]);
    const [decision] = policy.outcome().decisions;
    expect(decision!.text).toMatch(/^settled: no stage holds the run back: -p 1 -c 1/);
    // Three windows: each settles and measures (SETTLE_MS + MEASURE_MS), the later two at once.
    expect(decision!.t).toBeGreaterThanOrEqual(SETTLE_MS + 3 * MEASURE_MS);
  });

  it('does nothing while paused, and measures again from the resume', () => {
    const config = configFor({ ms: [2, 8], start: [1, 1] });
    const policy = new AutoscalePolicy(config, { max: 64, cores: 2, cpuBound: false });
    let acted = 0;
    for (let t = 0; t < 60_000; t += STEP_MS) {
      const s = snapshotOf(t, [1, 1], t / 8, 1);
      if (policy.observe({ ...s, state: 'paused' }) !== undefined) acted++;
    }
    expect(acted).toBe(0);
    expect(policy.outcome().decisions).toEqual([]);
  });

  it('counts changed by someone else (the keys): starts over from them, judging no step', () => {
    const config = configFor({ ms: [2, 8], start: [1, 1] });
    const policy = new AutoscalePolicy(config, { max: 64, cores: 2, cpuBound: false });
    let counts = [1, 1];
    let consumed = 0;
    const actions: AutoscaleAction[] = [];
    for (let t = 0; t < 30_000 && actions.length < 2; t += STEP_MS) {
      if (t === 6_000) counts = [1, 3]; // a key pressed twice mid-measurement
      consumed += (Math.min(500, counts[1]! * 125) * STEP_MS) / 1000;
      const action = policy.observe(snapshotOf(t, counts, Math.floor(consumed), 1));
      if (action !== undefined) {
        actions.push(action);
        counts = [1, counts[1]! + (action.kind === 'add' ? 1 : -1)];
      }
    }
    expect(actions).toEqual([
      { kind: 'add', stage: 1 },
      { kind: 'add', stage: 1 },
    ]);
    expect(counts).toEqual([1, 4]);
  });
});

describe('autoscale at the end of the items', () => {
  it('once the budget is made (-n), nothing changes: the counts reported are the last measured', () => {
    const config = { ...configFor({ ms: [2, 8], start: [1, 3] }), items: 750 };
    const policy = new AutoscalePolicy(config, { max: 64, cores: 2, cpuBound: false });
    for (let t = 0; t < 2_000; t += STEP_MS) policy.observe(snapshotOf(t, [1, 3], (t * 375) / 1000, 1));
    // The producer has exited, the run not yet draining: 0 producers running.
    for (let t = 2_000; t < 30_000; t += STEP_MS) {
      const s = snapshotOf(t, [0, 3], 750 + ((t - 2_000) * 375) / 1000, 1);
      const workers = [makeWorker('P1', { state: 'done' }), ...['C1', 'C2', 'C3'].map((id) => makeWorker(id))];
      expect(policy.observe({ ...s, workers, totals: { ...s.totals, produced: 750 } })).toBeUndefined();
    }
    expect(policy.outcome().workers).toEqual([1, 3]);
    expect(policy.outcome().flags).toMatch(/-p 1 -c 3/);
  });
});

describe('autoscale limits', () => {
  it('defaults: a worker per core for CPU work, 8 per core (at least 16) for work that waits', () => {
    expect(defaultMaxWorkers({ ...CONFIG, work: 'spin' }, 8)).toBe(8);
    expect(defaultMaxWorkers({ ...CONFIG, work: 'sleep' }, 2)).toBe(16);
    expect(defaultMaxWorkers({ ...CONFIG, work: 'sleep' }, 4)).toBe(32);
    expect(defaultMaxWorkers({ ...CONFIG, work: 'spin', consumer: './c.mjs' }, 4)).toBe(32);
  });

  it('a max below a worker per stage, or not an integer, is refused with what is accepted', () => {
    expect(() => autoscaleLimits(CONFIG, { max: 1 }, 2)).toThrow(AutoscaleError);
    expect(() => autoscaleLimits(CONFIG, { max: 2.5 }, 2)).toThrow(/an integer from 2 \(a worker per stage\) to 128/);
    expect(autoscaleLimits(CONFIG, { max: 12 }, 2)).toEqual({ max: 12, cores: 2, cpuBound: false });
  });
});
