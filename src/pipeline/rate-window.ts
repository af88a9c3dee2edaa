/**
 * A throughput measured over a window, with its noise estimated from the window itself: the
 * window is cut into buckets of BUCKET_MS, each bucket gives a rate, and the noise is the standard
 * error of their mean (their spread over √buckets). Both `--autoscale` and `tune` decide on these,
 * so "it rose by more than the noise" means the same thing in both.
 *
 * A window is steady when its first and second halves agree within their noise (or within
 * MIN_GAIN of the rate): a rate still climbing after a change, or a backlog draining, is not.
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
    return { rate: ((last.n - first.n) * 1000) / ms, noise: noiseOf(buckets.map((b) => b.rate)), ms };
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
