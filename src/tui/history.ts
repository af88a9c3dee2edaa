/**
 * The short memory behind the sparklines: a pure reducer over the Snapshot sequence that keeps
 * the last `size` time buckets (by default 60 one-second buckets — the last minute) of every
 * link's depth and every stage's rate. The engine keeps no history; replaying the same snapshots
 * rebuilds the same history.
 *
 * Per bucket: depth is the highest depth sampled in it (short peaks stay visible), rates are the
 * latest sample (they already are sliding-window averages). Buckets with no sample (a refresh
 * slower than a bucket) repeat the previous values. Pushing a snapshot twice changes nothing,
 * and a snapshot older than the last one (a replay restarting) or of another chain starts a
 * fresh history.
 */
import type { Snapshot } from '../pipeline/types.js';
import { stageRate } from './chain-view.js';

type Series = readonly number[];

export interface History {
  readonly bucketMs: number;
  readonly size: number;
  /** `t` of the newest snapshot pushed; -1 when empty. */
  readonly lastT: number;
  /** Per link (as Snapshot.links), oldest bucket first; every series has the same length, at most `size`. */
  readonly depths: readonly Series[];
  /** Per stage (as Snapshot.stages): its rate (chain-view.ts stageRate), oldest bucket first. */
  readonly rates: readonly Series[];
}

export interface HistoryOptions {
  /** Width of one bucket in ms (default 1000). */
  bucketMs?: number;
  /** Buckets kept (default 60). */
  size?: number;
}

/** A history with nothing in it yet. */
export function emptyHistory(options: HistoryOptions = {}): History {
  return { bucketMs: options.bucketMs ?? 1000, size: options.size ?? 60, lastT: -1, depths: [], rates: [] };
}

/** The series with this bucket's value folded in: merged into the last bucket, or appended after any gap. */
function fold(
  series: Series,
  value: number,
  sameBucket: boolean,
  gap: number,
  merge: (a: number, b: number) => number,
) {
  const next = [...series];
  if (sameBucket && next.length > 0) next[next.length - 1] = merge(next.at(-1)!, value);
  else {
    // Buckets skipped since the last sample carry its value forward.
    for (let k = 0; k < gap && next.length > 0; k++) next.push(next.at(-1)!);
    next.push(value);
  }
  return next;
}

/** The history with one more snapshot folded in (the input is not modified). */
export function pushHistory(h: History, s: Snapshot): History {
  const sameChain = h.lastT < 0 || (h.depths.length === s.links.length && h.rates.length === s.stages.length);
  if (s.t < h.lastT || !sameChain) return pushHistory(emptyHistory(h), s);
  const bucket = Math.floor(s.t / h.bucketMs);
  const lastBucket = h.lastT < 0 ? -1 : Math.floor(h.lastT / h.bucketMs);
  const same = bucket === lastBucket;
  const gap = lastBucket < 0 ? 0 : Math.min(h.size, bucket - lastBucket - 1);
  const keep = (series: Series): Series => series.slice(Math.max(0, series.length - h.size));
  return {
    bucketMs: h.bucketMs,
    size: h.size,
    lastT: s.t,
    depths: s.links.map((link, i) => keep(fold(h.depths[i] ?? [], link.depth, same, gap, Math.max))),
    rates: s.stages.map((_, i) => keep(fold(h.rates[i] ?? [], stageRate(s, i), same, gap, (_a, b) => b))),
  };
}

/** The history of a whole sequence of snapshots. */
export function historyOf(snapshots: Iterable<Snapshot>, options: HistoryOptions = {}): History {
  let h = emptyHistory(options);
  for (const s of snapshots) h = pushHistory(h, s);
  return h;
}
