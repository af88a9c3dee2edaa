/**
 * The short memory behind the sparklines: a pure reducer over the Snapshot sequence that keeps
 * the last `size` time buckets (by default 60 one-second buckets — the last minute) of queue
 * depth and of the produced / consumed rates. The engine keeps no history; replaying the same
 * snapshots rebuilds the same history.
 *
 * Per bucket: depth is the highest depth sampled in it (short peaks stay visible), rates are the
 * latest sample (they already are sliding-window averages). Buckets with no sample (a refresh
 * slower than a bucket) repeat the previous values. Pushing a snapshot twice changes nothing,
 * and a snapshot older than the last one (a replay restarting) starts a fresh history.
 */
import type { Snapshot } from '../pipeline/types.js';

export interface History {
  readonly bucketMs: number;
  readonly size: number;
  /** `t` of the newest snapshot pushed; -1 when empty. */
  readonly lastT: number;
  /** Oldest first; all three have the same length, at most `size`. */
  readonly depth: readonly number[];
  readonly produced: readonly number[];
  readonly consumed: readonly number[];
}

export interface HistoryOptions {
  /** Width of one bucket in ms (default 1000). */
  bucketMs?: number;
  /** Buckets kept (default 60). */
  size?: number;
}

/** A history with nothing in it yet. */
export function emptyHistory(options: HistoryOptions = {}): History {
  return {
    bucketMs: options.bucketMs ?? 1000,
    size: options.size ?? 60,
    lastT: -1,
    depth: [],
    produced: [],
    consumed: [],
  };
}

/** The history with one more snapshot folded in (the input is not modified). */
export function pushHistory(h: History, s: Snapshot): History {
  if (s.t < h.lastT) return pushHistory(emptyHistory(h), s);
  const bucket = Math.floor(s.t / h.bucketMs);
  const lastBucket = h.lastT < 0 ? -1 : Math.floor(h.lastT / h.bucketMs);
  const depth = [...h.depth];
  const produced = [...h.produced];
  const consumed = [...h.consumed];
  if (bucket === lastBucket && depth.length > 0) {
    const i = depth.length - 1;
    depth[i] = Math.max(depth[i]!, s.links[0]!.depth);
    produced[i] = s.rates.produced;
    consumed[i] = s.rates.consumed;
  } else {
    // Buckets skipped since the last sample carry its values forward.
    const gap = lastBucket < 0 ? 0 : Math.min(h.size, bucket - lastBucket - 1);
    for (let k = 0; k < gap; k++) {
      depth.push(h.depth.at(-1)!);
      produced.push(h.produced.at(-1)!);
      consumed.push(h.consumed.at(-1)!);
    }
    depth.push(s.links[0]!.depth);
    produced.push(s.rates.produced);
    consumed.push(s.rates.consumed);
  }
  const drop = Math.max(0, depth.length - h.size);
  return {
    bucketMs: h.bucketMs,
    size: h.size,
    lastT: s.t,
    depth: drop ? depth.slice(drop) : depth,
    produced: drop ? produced.slice(drop) : produced,
    consumed: drop ? consumed.slice(drop) : consumed,
  };
}

/** The history of a whole sequence of snapshots. */
export function historyOf(snapshots: Iterable<Snapshot>, options: HistoryOptions = {}): History {
  let h = emptyHistory(options);
  for (const s of snapshots) h = pushHistory(h, s);
  return h;
}
