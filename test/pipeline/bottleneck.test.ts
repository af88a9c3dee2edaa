/**
 * The bottleneck judge names the stage that holds the run back — a slow stage, the consumers,
 * the producers, the pool — from backpressure in the Snapshot stream, names nobody when the
 * stages keep up or nothing runs, and never flips between two candidates on alternating readings.
 */
import { describe, expect, it } from 'vitest';
import {
  BottleneckJudge,
  type BottleneckReading,
  CONTRADICTED,
  HOLD_MS,
  judgeAll,
  STUCK_MS,
} from '../../src/pipeline/bottleneck.js';
import type {
  Bottleneck,
  BrokerReading,
  PoolReading,
  RunState,
  Snapshot,
  WorkerRow,
} from '../../src/pipeline/types.js';
import { CONFIG, makeSnapshot, makeStagedSnapshot, makeWorker } from '../tui/snapshots.js';

const STEP_MS = 100;

/**
 * Each stage in the chain, producers first: its blocked shares, and how full its input queue is
 * (0..1; half full, which says nothing, unless given).
 */
type Shares = ReadonlyArray<{ in?: number; out?: number; fill?: number }>;

interface Options {
  base?: Snapshot;
  state?: RunState;
  pool?: PoolReading;
}

function reading(
  i: number,
  shares: Shares,
  { base = makeStagedSnapshot(['keep-odd', 'square']), state = 'running', pool }: Options = {},
): BottleneckReading {
  return {
    t: i * STEP_MS,
    state,
    config: base.config,
    stages: base.stages.map((s, k) => ({
      ...s,
      blockedOnInput: shares[k]?.in ?? 0,
      blockedOnOutput: shares[k]?.out ?? 0,
    })),
    links: base.links.map((link, k) => ({ ...link, depth: Math.round(link.capacity * (shares[k + 1]?.fill ?? 0.5)) })),
    ...(pool ? { pool } : {}),
  };
}

/** `n` samples, `f(i)` giving each one's shares. */
const judge = (n: number, f: (i: number) => Shares, options: Options = {}) =>
  judgeAll(Array.from({ length: n }, (_, i) => reading(i, f(i), options)));

const names = (verdicts: ReadonlyArray<Bottleneck | undefined>) => verdicts.map((v) => v?.name ?? '-');

/** keep-odd is slow: its input is full, the producers wait for room, everything after it waits for items. */
const KEEP_ODD_SLOW: Shares = [{ out: 0.8 }, { fill: 1 }, { in: 0.7, fill: 0 }, { in: 0.7, fill: 0 }];
const SQUARE_SLOW: Shares = [{ out: 0.8 }, { out: 0.8, fill: 1 }, { fill: 1 }, { in: 0.7, fill: 0 }];

const BROKER: BrokerReading = {
  address: 'redis://localhost:6379',
  stream: 'jobs',
  group: 'pipeline-tui',
  claimIdleMs: 30_000,
  put: 100,
  acked: 90,
  duplicates: 0,
  remoteWorkers: 0,
};

const pool = (waitedFraction: number): PoolReading => ({
  size: 2,
  inUse: 2,
  waiting: 1,
  maxInUse: 2,
  acquisitions: 100,
  waits: 50,
  waitedMs: 1000,
  waitedFraction,
});

describe('bottleneck verdicts', () => {
  it('a slow stage: its input queue is full and upstream is blocked', () => {
    const verdicts = judge(30, () => KEEP_ODD_SLOW);
    expect(verdicts.at(-1)).toEqual({
      stage: 1,
      name: 'keep-odd',
      evidence: 'its input queue is full and upstream is blocked 80% of the time',
      advice: 'add workers to it (select it and press +)',
    });
    // Named only once the evidence has held for a while, never on the first samples.
    expect(verdicts.slice(0, HOLD_MS / STEP_MS)).toEqual(Array(HOLD_MS / STEP_MS).fill(undefined));
  });

  it('the consumers, when backpressure reaches back through every stage', () => {
    const v = judge(30, () => [{ out: 0.9 }, { out: 0.9, fill: 1 }, { out: 0.8, fill: 1 }, { fill: 1 }]).at(-1);
    expect(v).toMatchObject({ stage: 3, name: 'consumers', advice: 'add consumers (press >, or raise -c)' });
    expect(v!.evidence).toBe('its input queue is full and upstream is blocked 80% of the time');
  });

  it('not a stage that waits for room part of the time: the busy one after it, here the pool', () => {
    // Seen in a real run: square idles 36% of its time on a full output queue; the consumers never
    // wait for items, but a third of their time for one of the pool's two permits.
    const shares: Shares = [{ out: 0.6, fill: 1 }, { out: 0.98, fill: 1 }, { out: 0.36, fill: 0.97 }, { fill: 1 }];
    const v = judge(30, () => shares, { pool: pool(0.32) }).at(-1);
    expect(v?.name).toBe('the pool');
    expect(judge(30, () => shares).at(-1)?.name).toBe('consumers'); // without a pool, they are the cause
  });

  it('the consumers of a one-link run', () => {
    const v = judge(30, () => [{ out: 0.76 }, {}], { base: makeSnapshot() }).at(-1);
    expect(v).toMatchObject({ stage: 1, name: 'consumers' });
    expect(v!.evidence).toContain('blocked 76% of the time');
  });

  it('the producers: every queue is empty and consumers wait', () => {
    const v = judge(30, () => [{}, { in: 0.9 }, { in: 0.95 }, { in: 0.9 }]).at(-1);
    expect(v).toEqual({
      stage: 0,
      name: 'producers',
      evidence: 'every queue is empty and consumers wait 90% of the time',
      advice: 'add producers (press + on them, or raise -p)',
    });
    const limited = makeSnapshot({ config: { ...CONFIG, rate: 50 } });
    expect(judge(30, () => [{}, { in: 0.9 }], { base: limited }).at(-1)?.advice).toBe(
      '--rate holds each producer to 50/s',
    );
  });

  it('the pool, when the consumers spend their time waiting for a permit', () => {
    const full: Shares = [{ out: 0.9 }, {}];
    const v = judge(30, () => full, { base: makeSnapshot(), pool: pool(0.8) }).at(-1);
    expect(v).toEqual({
      stage: 1,
      name: 'the pool',
      evidence: 'consumers wait for a permit 80% of the time',
      advice: 'raise --pool',
    });
    // A pool they seldom wait for is not the cause: the consumers are.
    expect(judge(30, () => full, { base: makeSnapshot(), pool: pool(0.1) }).at(-1)?.name).toBe('consumers');
  });
});

describe('no bottleneck', () => {
  it('when the stages keep up with each other', () => {
    const balanced: Shares = [{ out: 0.1 }, { in: 0.1, out: 0.1 }, { in: 0.1, out: 0.1 }, { in: 0.1 }];
    expect(judge(50, () => balanced)).toEqual(Array(50).fill(undefined));
  });

  it('when nothing runs: starting, or idle with nobody waiting', () => {
    expect(judge(30, () => KEEP_ODD_SLOW, { state: 'starting' })).toEqual(Array(30).fill(undefined));
    expect(judge(30, () => [])).toEqual(Array(30).fill(undefined));
  });

  it('once the evidence is gone for good, the verdict goes too', () => {
    const verdicts = judge(80, (i) => (i < 30 ? KEEP_ODD_SLOW : []));
    expect(verdicts[29]?.name).toBe('keep-odd');
    expect(verdicts[31]?.name).toBe('keep-odd'); // not at once
    expect(verdicts.at(-1)).toBeUndefined();
  });
});

describe('steadiness', () => {
  it('alternating readings do not flip the verdict', () => {
    const verdicts = judge(100, (i) => (i < 30 || i % 2 === 0 ? KEEP_ODD_SLOW : SQUARE_SLOW));
    expect(new Set(names(verdicts.slice(20)))).toEqual(new Set(['keep-odd']));
  });

  it('short bursts of another candidate do not flip it either', () => {
    const verdicts = judge(120, (i) => (i >= 30 && i % 10 < 3 ? SQUARE_SLOW : KEEP_ODD_SLOW));
    expect(new Set(names(verdicts.slice(20)))).toEqual(new Set(['keep-odd']));
  });

  it('a lasting change is followed, after the hold, exactly once', () => {
    const verdicts = names(judge(100, (i) => (i < 40 ? KEEP_ODD_SLOW : SQUARE_SLOW)));
    const changes = verdicts.filter((v, i) => i > 0 && v !== verdicts[i - 1]);
    expect(changes).toEqual(['keep-odd', 'square']);
    expect(verdicts.indexOf('square')).toBeGreaterThanOrEqual(40 + HOLD_MS / STEP_MS);
  });

  it('while shutting down the last verdict stands', () => {
    const readings = [
      ...Array.from({ length: 30 }, (_, i) => reading(i, KEEP_ODD_SLOW)),
      ...Array.from({ length: 30 }, (_, i) =>
        reading(30 + i, [{}, { in: 1 }, { in: 1 }, { in: 1 }], { state: 'draining' }),
      ),
    ];
    expect(new Set(names(judgeAll(readings).slice(20)))).toEqual(new Set(['keep-odd']));
  });
});

/** Each sample's verdict name ("-" for none) and, when none is named, why ("none: …"). */
function judgeShown(readings: readonly BottleneckReading[]): string[] {
  const judge = new BottleneckJudge();
  return readings.map((r) => {
    const v = judge.observe(r);
    return v?.name ?? (judge.withheld !== undefined ? `none: ${judge.withheld}` : '-');
  });
}

/** A one-link run where the consumers are the bottleneck; C2's row is `c2` in every sample. */
const consumersSlow = (i: number, c2: Partial<WorkerRow> = {}): BottleneckReading => ({
  ...reading(i, [{ out: 0.8 }, { fill: 1 }], { base: makeSnapshot() }),
  workers: [makeWorker('P1'), makeWorker('C1'), makeWorker('C2', c2)],
});

describe('a verdict the run cannot support is withdrawn at once (issue 21)', () => {
  it('while paused: "none: paused", and the verdict is back on resuming, and through the drain', () => {
    const shown = judgeShown([
      ...Array.from({ length: 30 }, (_, i) => reading(i, KEEP_ODD_SLOW)),
      ...Array.from({ length: 10 }, (_, i) => reading(30 + i, [], { state: 'paused' })),
      ...Array.from({ length: 5 }, (_, i) => reading(40 + i, KEEP_ODD_SLOW)),
      reading(45, [], { state: 'draining' }),
    ]);
    expect(shown[29]).toBe('keep-odd');
    expect(new Set(shown.slice(30, 40))).toEqual(new Set(['none: paused']));
    expect(new Set(shown.slice(40))).toEqual(new Set(['keep-odd']));
  });

  it('while the broker is lost: "none: the broker is lost"', () => {
    const lost = (i: number): BottleneckReading => ({
      ...consumersSlow(i),
      broker: { ...BROKER, lost: 'lost the broker at localhost:6379: ECONNREFUSED; reconnecting' },
    });
    const shown = judgeShown([...Array.from({ length: 30 }, (_, i) => consumersSlow(i)), lost(30), lost(31)]);
    expect(shown.slice(29)).toEqual(['consumers', 'none: the broker is lost', 'none: the broker is lost']);
  });

  it('when the stage named waits for items, as when remote consumers join: at the next sample', () => {
    const starving = (i: number): BottleneckReading =>
      reading(i, [{}, { in: CONTRADICTED + 0.13, fill: 0 }], { base: makeSnapshot() });
    const shown = judgeShown([...Array.from({ length: 30 }, (_, i) => consumersSlow(i)), starving(30)]);
    expect(shown.slice(29)).toEqual(['consumers', '-']);
  });

  it('while a worker hangs on one item, not "add consumers": "none: C2 has held one item for 8s"', () => {
    // C2 takes an item every sample, then holds one: its heldMs grows with every sample.
    const shown = judgeShown(
      Array.from({ length: 120 }, (_, i) => consumersSlow(i, i < 30 ? {} : { heldMs: (i - 30) * STEP_MS })),
    );
    expect(shown[29]).toBe('consumers');
    const stuckAt = 30 + STUCK_MS / STEP_MS;
    expect(new Set(shown.slice(30, stuckAt))).toEqual(new Set(['consumers']));
    expect(shown[stuckAt]).toBe('none: C2 has held one item for 3s');
    expect(shown.at(-1)).toBe('none: C2 has held one item for 8s');
  });

  it('not for a worker whose items all take long: only for one held far longer than before', () => {
    // Every item takes C2 3.5 s: its holds grow and end, and none is STUCK_FACTOR times the others.
    const slowItems = Array.from({ length: 200 }, (_, i) => consumersSlow(i, { heldMs: (i % 35) * STEP_MS }));
    expect(new Set(judgeShown(slowItems).slice(50))).toEqual(new Set(['consumers']));
  });
});
