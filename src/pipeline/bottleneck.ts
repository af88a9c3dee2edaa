/**
 * The bottleneck judge: names the stage that holds a running pipeline back, from the Snapshot
 * stream alone, and does not change its mind on a whim.
 *
 * The evidence is backpressure. In a chain of bounded queues the stage that cannot keep up is
 * busy all the time (it waits neither for items nor for room), its input queue is full and the
 * stage before it waits for room; every stage after it waits for items. The pool is the cause
 * when those busy consumers spend their time waiting for a permit; the producers are, when every
 * later stage waits for items. Each candidate gets a score 0..1 per sample:
 *
 *   stage i ≥ 1   pressure on its input × its busy share (1 − blocked on input − blocked on output),
 *                 pressure = the larger of: upstream's share blocked on output, and how far its
 *                 input queue is past half full (half full 0, full 1)
 *   the pool      the consumers' score, all of it once they wait for a permit POOL_BOUND of the
 *                 time (a third consumer behind two permits waits a third of it); the consumers
 *                 keep the rest
 *   producers     the least share any later stage waits for items × (1 − producers' blocked share)
 *
 * Steadiness: scores are smoothed over about a second (the shares already are sliding-window
 * averages); a candidate is named once its smoothed score reaches ENTER, and replaced only by
 * one that beats it by MARGIN — or dropped once it falls below STAY — for HOLD_MS and at least
 * HOLD_SAMPLES samples in a row. Alternating readings therefore never flip the verdict. Only a
 * running pipeline is judged: while shutting down the last verdict stands, so the summary names
 * the bottleneck of the steady run, not of the drain.
 *
 * Withdrawn at once, not after the hold, when the run cannot support it:
 *   - contradicted: the stage named waits for items (blocked on input) CONTRADICTED of the time,
 *     or the producers named wait for room that much — as when remote consumers join and starve;
 *   - withheld, with the reason shown as "none: …", and the verdict kept for when the run can be
 *     judged again: while paused, while the broker is lost (nothing moves; the shares mean
 *     nothing), and while a worker has held one item STUCK_MS and STUCK_FACTOR times longer than
 *     it ever held one before (a hung worker looks busy, but more of them would not help) — that
 *     one through the drain too, so a run that ends on a hung worker does not advise more.
 *
 * The sampler calls `observe` on every snapshot it takes and stores the verdict in it, so the
 * metrics log records it and a replay shows the same.
 */
import type { Bottleneck, LinkRow, RunState, Snapshot, StageRow } from './types.js';

/** What the judge reads from a snapshot (workers and broker: only to withhold a verdict). */
export type BottleneckReading = Pick<Snapshot, 't' | 'state' | 'stages' | 'links' | 'pool' | 'config'> &
  Partial<Pick<Snapshot, 'workers' | 'broker'>>;

/** Smoothed score needed to be named, or to challenge the one named. */
export const ENTER = 0.4;
/** Below this the one named is dropped (after the hold). */
export const STAY = 0.25;
/** A challenger must beat the one named by this much. */
export const MARGIN = 0.1;
/** How long, and over how many samples, a change must hold before it is made. */
export const HOLD_MS = 1000;
export const HOLD_SAMPLES = 3;
/** Share of the consumers' time waiting for a permit from which the pool takes all the blame. */
export const POOL_BOUND = 0.25;
/** Share of the time the one named waits for items (or producers for room) that withdraws it. */
export const CONTRADICTED = 0.5;
/** A worker that has held one item this long, and STUCK_FACTOR times its longest before, is stuck. */
export const STUCK_MS = 3000;
export const STUCK_FACTOR = 4;
/** Time constant of the smoothing. */
const TAU_MS = 1000;

const JUDGED: ReadonlySet<RunState> = new Set(['running']);

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** A candidate key: "stage:2", "pool" or "producers" (stage 0 is the producers). */
type Key = string;

interface Candidate {
  key: Key;
  score: number;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** How full link `i` is, 0..1. */
const fillOf = (links: readonly LinkRow[], i: number): number => {
  const link = links[i];
  return link !== undefined && link.capacity > 0 ? link.depth / link.capacity : 0;
};

/** The raw, unsmoothed score of every candidate in one sample. */
function rawScores(s: BottleneckReading): Candidate[] {
  const { stages, links, pool } = s;
  const out: Candidate[] = [];
  const last = stages.length - 1;
  const working = (stage: StageRow): boolean => stage.running > 0;
  for (let i = 1; i <= last; i++) {
    const stage = stages[i]!;
    if (!working(stage)) continue;
    const pressure = Math.max(stages[i - 1]!.blockedOnOutput, clamp01(2 * fillOf(links, i - 1) - 1));
    const score = pressure * clamp01(1 - stage.blockedOnInput - stage.blockedOnOutput);
    if (i === last && pool !== undefined) {
      const blame = Math.min(1, pool.waitedFraction / POOL_BOUND);
      out.push({ key: 'pool', score: score * blame });
      out.push({ key: `stage:${i}`, score: score * (1 - blame) });
    } else out.push({ key: `stage:${i}`, score });
  }
  if (last >= 1 && working(stages[0]!)) {
    const starving = Math.min(...stages.slice(1).map((stage) => stage.blockedOnInput));
    out.push({ key: 'producers', score: starving * (1 - stages[0]!.blockedOnOutput) });
  }
  return out;
}

/**
 * Judges a stream of snapshots, one `observe` call each, in order. Pure apart from its own
 * memory: the same snapshots give the same verdicts.
 */
export class BottleneckJudge {
  private readonly smoothed = new Map<Key, number>();
  /** Smoothed shares quoted in the evidence, by the name of the figure. */
  private readonly figures = new Map<string, number>();
  private lastT = -1;
  private current: Key | undefined;
  private pending: { key: Key | undefined; since: number; samples: number } | undefined;
  private verdict: Bottleneck | undefined;
  /** Per worker: how long it held its item at the last sample, and the longest it held one before. */
  private readonly holds = new Map<string, { last: number; longest: number }>();
  private reason: string | undefined;

  /** Why the last `observe` named no stage though the run may have one (see Snapshot.noBottleneck). */
  get withheld(): string | undefined {
    return this.reason;
  }

  /** Feeds one snapshot; returns the bottleneck to show with it, or undefined for none. */
  observe(s: BottleneckReading): Bottleneck | undefined {
    if (s.t < this.lastT) this.reset();
    const stuck = this.stuckWorker(s);
    this.reason = undefined;
    if (s.stages.length < 2) return this.verdict;
    if (s.state === 'paused') this.reason = 'paused';
    else if (s.broker?.lost !== undefined) this.reason = 'the broker is lost';
    else if (stuck !== undefined && s.state !== 'starting')
      this.reason = `${stuck.id} has held one item for ${Math.floor(stuck.ms / 1000)}s`;
    if (this.reason !== undefined) return undefined;
    if (!JUDGED.has(s.state)) return this.verdict;
    const dt = this.lastT < 0 ? Infinity : s.t - this.lastT;
    this.lastT = s.t;
    const alpha = 1 - Math.exp(-dt / TAU_MS);
    const smooth = (map: Map<string, number>, key: string, value: number): number => {
      const v = (map.get(key) ?? value) + alpha * (value - (map.get(key) ?? value));
      map.set(key, v);
      return v;
    };
    const scores = new Map<Key, number>();
    for (const c of rawScores(s)) scores.set(c.key, smooth(this.smoothed, c.key, c.score));
    for (const key of this.smoothed.keys()) if (!scores.has(key)) this.smoothed.delete(key);
    this.smoothFigures(s, smooth);

    this.decide(s.t, scores);
    if (this.current !== undefined && this.contradicted(this.current, s)) {
      this.smoothed.delete(this.current); // so it must build up again before it is named again
      this.current = undefined;
      this.pending = undefined;
    }
    this.verdict = this.current === undefined ? undefined : this.describe(this.current, s);
    return this.verdict;
  }

  /** Whether this sample plainly says the one named does not hold the run back (see the header). */
  private contradicted(key: Key, s: BottleneckReading): boolean {
    if (key === 'producers') return s.stages[0]!.blockedOnOutput >= CONTRADICTED;
    const stage = key === 'pool' ? s.stages.length - 1 : Number(key.slice('stage:'.length));
    return s.stages[stage]!.blockedOnInput >= CONTRADICTED;
  }

  /** The worker that has held one item longest, if that makes it stuck (see the header). */
  private stuckWorker(s: BottleneckReading): { id: string; ms: number } | undefined {
    let worst: { id: string; ms: number } | undefined;
    for (const w of s.workers ?? []) {
      const held = w.heldMs ?? 0;
      const hold = this.holds.get(w.id) ?? { last: 0, longest: 0 };
      // A hold that ended (the count moved, or it stopped working) counts towards its longest.
      if (held < hold.last) hold.longest = Math.max(hold.longest, hold.last);
      hold.last = held;
      this.holds.set(w.id, hold);
      if (held >= STUCK_MS && held >= STUCK_FACTOR * hold.longest && (!worst || held > worst.ms))
        worst = { id: w.id, ms: held };
    }
    return worst;
  }

  private reset(): void {
    this.holds.clear();
    this.smoothed.clear();
    this.figures.clear();
    this.lastT = -1;
    this.current = undefined;
    this.pending = undefined;
    this.verdict = undefined;
  }

  /** The smoothed shares the evidence quotes, so its numbers move as steadily as the verdict. */
  private smoothFigures(
    s: BottleneckReading,
    smooth: (map: Map<string, number>, key: string, value: number) => number,
  ): void {
    s.stages.forEach((stage, i) => {
      smooth(this.figures, `out:${i}`, stage.blockedOnOutput);
      smooth(this.figures, `in:${i}`, stage.blockedOnInput);
    });
    for (let i = 0; i < s.links.length; i++) smooth(this.figures, `fill:${i}`, fillOf(s.links, i));
    smooth(this.figures, 'pool', s.pool?.waitedFraction ?? 0);
  }

  /** Moves `current` towards the best candidate, with hysteresis. */
  private decide(t: number, scores: ReadonlyMap<Key, number>): void {
    let best: Candidate | undefined;
    for (const [key, score] of scores) if (score >= ENTER && (!best || score > best.score)) best = { key, score };
    let target: { key: Key | undefined } | undefined;
    const held = this.current === undefined ? undefined : (scores.get(this.current) ?? 0);
    if (held === undefined) target = best ? { key: best.key } : undefined;
    else if (held < STAY) target = { key: best?.key };
    else if (best && best.key !== this.current && best.score >= held + MARGIN) target = { key: best.key };
    if (target === undefined) {
      this.pending = undefined;
      return;
    }
    if (this.pending === undefined || this.pending.key !== target.key)
      this.pending = { key: target.key, since: t, samples: 0 };
    this.pending.samples++;
    if (this.pending.samples >= HOLD_SAMPLES && t - this.pending.since >= HOLD_MS) {
      this.current = target.key;
      this.pending = undefined;
    }
  }

  private describe(key: Key, s: BottleneckReading): Bottleneck {
    const figure = (name: string): number => this.figures.get(name) ?? 0;
    const last = s.stages.length - 1;
    if (key === 'pool') {
      return {
        stage: last,
        name: 'the pool',
        evidence: `consumers wait for a permit ${pct(figure('pool'))} of the time`,
        advice: 'raise --pool',
      };
    }
    if (key === 'producers') {
      const rate = s.config.rate;
      return {
        stage: 0,
        name: 'producers',
        evidence: `every queue is empty and consumers wait ${pct(figure(`in:${last}`))} of the time`,
        advice:
          rate !== undefined
            ? `--rate holds each producer to ${rate}/s`
            : 'add producers (press + on them, or raise -p)',
      };
    }
    const i = Number(key.slice('stage:'.length));
    const fill = figure(`fill:${i - 1}`);
    const queue = fill >= 0.9 ? 'full' : `${pct(fill)} full`;
    return {
      stage: i,
      name: s.stages[i]!.name,
      evidence: `its input queue is ${queue} and upstream is blocked ${pct(figure(`out:${i - 1}`))} of the time`,
      advice: i === last ? 'add consumers (press >, or raise -c)' : 'add workers to it (select it and press +)',
    };
  }
}

/** The verdict after each snapshot of a sequence (for tests and for logs recorded without one). */
export function judgeAll(snapshots: Iterable<BottleneckReading>): Array<Bottleneck | undefined> {
  const judge = new BottleneckJudge();
  return [...snapshots].map((s) => judge.observe(s));
}
