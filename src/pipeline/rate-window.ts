/**
 * A throughput measured over a window, with its noise estimated from the window itself: the
 * window is cut into buckets of BUCKET_MS, each bucket gives a rate, and the noise is the standard
 * error of their mean (their spread over √buckets). Both `--autoscale` and `tune` decide on these,
 * so "it rose by more than the noise" means the same thing in both.
 *
 * A window is steady when its first and second halves agree within their noise (or within
 * MIN_GAIN of the rate): a rate still climbing after a change, or a backlog draining, is not.
 *
 * Between windows taken apart — tune's trials, each a run of its own — a rate also moves with
 * what the machine does meanwhile, which the buckets' scatter does not show (neighbouring buckets
 * share the same moment). The halves of a window show it: each is a measurement of the same rate
 * a few seconds apart, so half their difference is the window's error at that time scale (the
 * method of batch means, two batches). Pooled over many windows (`betweenNoise`), it is the noise
 * between windows, as a share of the rate; a comparison of two windows uses it where it exceeds
 * their own noise (`withNoiseFloor`).
 */

/** Length of one bucket of a window. */
export const BUCKET_MS = 500;
/** A relative change smaller than this is no change, however quiet the window (3 %). */
export const MIN_GAIN = 0.03;
/** How many standard errors a difference must exceed to count. */
export const SIGMAS = 2;

/** A rate over a window: items/s, its standard error in items/s, and the window's length. */
export interface Measured {
  rate: number;
  noise: number;
  ms: number;
  /** Half the difference of the window's two halves' rates, as a share of the rate (see the header). */
  drift?: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The standard error of the mean of some bucket rates. */
function noiseOf(rates: readonly number[]): number {
  const m = mean(rates);
  const variance = rates.length > 1 ? rates.reduce((a, r) => a + (r - m) ** 2, 0) / (rates.length - 1) : 0;
  return Math.sqrt(variance / rates.length);
}

/** Whether `after` is higher than `before` by more than their joint noise and by at least MIN_GAIN. */
export function rose(before: Measured, after: Measured): boolean {
  const gain = after.rate - before.rate;
  return gain > SIGMAS * Math.hypot(before.noise, after.noise) && gain >= MIN_GAIN * before.rate;
}

/**
 * The noise between windows taken apart, as a share of the rate: the root mean square of their
 * drifts (see the header); 0 for none.
 */
export function betweenNoise(drifts: readonly number[]): number {
  return drifts.length === 0 ? 0 : Math.sqrt(drifts.reduce((a, d) => a + d * d, 0) / drifts.length);
}

/** `m` with its noise raised to `share` of its rate, where that is more (the noise between windows). */
export function withNoiseFloor(m: Measured, share: number): Measured {
  return { ...m, noise: Math.max(m.noise, share * m.rate) };
}

/** Relative change from `before` to `after` (0.21 = +21 %). */
export function gainOf(before: Measured, after: Measured): number {
  return before.rate > 0 ? after.rate / before.rate - 1 : after.rate > 0 ? 1 : 0;
}

/** Collects a cumulative item count over time and measures its rate. */
export class RateWindow {
  private readonly points: Array<{ t: number; n: number }> = [];

  /** Adds a reading: `n` items in all by `t` ms. */
  add(t: number, n: number): void {
    const last = this.points.at(-1);
    if (last === undefined || t > last.t) this.points.push({ t, n });
  }

  /** Milliseconds the window spans so far. */
  get span(): number {
    return this.points.length < 2 ? 0 : this.points.at(-1)!.t - this.points[0]!.t;
  }

  /** The rate and its noise, once the window holds at least two buckets. */
  measure(): Measured | undefined {
    const buckets = this.buckets();
    if (buckets.length < 2) return undefined;
    const [first, last] = [this.points[0]!, buckets.at(-1)!];
    const ms = last.t - first.t;
    const rate = ((last.n - first.n) * 1000) / ms;
    // The halves: whole buckets each, the middle bucket's end between them.
    const middle = buckets[Math.floor(buckets.length / 2) - 1]!;
    const a = ((middle.n - first.n) * 1000) / (middle.t - first.t);
    const b = ((last.n - middle.n) * 1000) / (last.t - middle.t);
    const drift = rate > 0 ? (b - a) / (2 * rate) : 0;
    return { rate, noise: noiseOf(buckets.map((x) => x.rate)), ms, drift };
  }

  /** Whether the window's two halves agree (see the header); undefined until it has four buckets. */
  steady(): boolean | undefined {
    const buckets = this.buckets();
    if (buckets.length < 4) return undefined;
    const half = Math.floor(buckets.length / 2);
    const [a, b] = [buckets.slice(0, half), buckets.slice(half)].map((part) => part.map((x) => x.rate)) as [
      number[],
      number[],
    ];
    const diff = Math.abs(mean(a) - mean(b));
    return diff <= 3 * Math.hypot(noiseOf(a), noiseOf(b)) || diff <= MIN_GAIN * Math.max(mean(a), mean(b));
  }

  /** Whole buckets: each one's end (time, count) and its rate. */
  private buckets(): Array<{ t: number; n: number; rate: number }> {
    const out: Array<{ t: number; n: number; rate: number }> = [];
    let start = this.points[0];
    for (const p of this.points) {
      if (start === undefined || p.t - start.t < BUCKET_MS) continue;
      out.push({ t: p.t, n: p.n, rate: ((p.n - start.n) * 1000) / (p.t - start.t) });
      start = p;
    }
    return out;
  }
}
