/**
 * Where a throughput curve flattens: a fit of Gunther's Universal Scalability Law,
 *
 *   X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
 *
 * λ the rate of one worker, σ contention (the share of the work that does not run in parallel:
 * it caps X at λ/σ), κ coherency (the cost of each worker talking to each other: past
 * N* = √((1 − σ)/κ) more workers lose throughput). For fixed σ and κ the best λ is a linear least
 * squares, so the fit searches σ and κ on a grid and solves λ at each point: no iteration that
 * could fail to converge, and the same points give the same fit.
 *
 * The knee is the fewest workers at which the fitted curve reaches KNEE_SHARE of its ceiling (its
 * peak, or λ/σ when κ is 0): past it, a worker buys less than a twentieth of the curve.
 */

export interface Point {
  workers: number;
  rate: number;
}

export interface UslFit {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Workers at the fitted peak (Infinity when κ is 0: the curve only flattens). */
  peakWorkers: number;
  /** The fitted curve's highest rate: at its peak, or its asymptote λ/σ. */
  ceiling: number;
  /** The fewest workers at which the curve reaches KNEE_SHARE of the ceiling. */
  knee: number;
  /** Root mean square of the residuals, items/s. */
  rmse: number;
}

export const KNEE_SHARE = 0.95;

const SIGMAS = Array.from({ length: 201 }, (_, i) => i / 200);
const KAPPAS = [0, ...Array.from({ length: 61 }, (_, i) => 10 ** (-6 + i / 10))];

/** The USL's value at `n` workers. */
export function usl(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

/** Fits the USL to the points; undefined with fewer than three distinct worker counts. */
export function fitUsl(points: readonly Point[]): UslFit | undefined {
  if (new Set(points.map((p) => p.workers)).size < 3) return undefined;
  let best: { lambda: number; sigma: number; kappa: number; sse: number } | undefined;
  for (const sigma of SIGMAS) {
    for (const kappa of KAPPAS) {
      const g = points.map((p) => p.workers / (1 + sigma * (p.workers - 1) + kappa * p.workers * (p.workers - 1)));
      const lambda =
        points.reduce((a, p, i) => a + p.rate * g[i]!, 0) /
        Math.max(
          1e-12,
          g.reduce((a, x) => a + x * x, 0),
        );
      const sse = points.reduce((a, p, i) => a + (p.rate - lambda * g[i]!) ** 2, 0);
      if (best === undefined || sse < best.sse) best = { lambda, sigma, kappa, sse };
    }
  }
  const { lambda, sigma, kappa, sse } = best!;
  const peakWorkers = kappa > 0 ? Math.sqrt((1 - sigma) / kappa) : Infinity;
  const ceiling = Number.isFinite(peakWorkers)
    ? usl({ lambda, sigma, kappa }, Math.max(1, peakWorkers))
    : sigma > 0
      ? lambda / sigma
      : Infinity;
  return {
    lambda,
    sigma,
    kappa,
    peakWorkers,
    ceiling,
    knee: kneeOf({ lambda, sigma, kappa }, ceiling),
    rmse: Math.sqrt(sse / points.length),
  };
}

/** The fewest workers at which the curve reaches KNEE_SHARE of `ceiling` (Infinity: never, it keeps rising). */
function kneeOf(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, ceiling: number): number {
  if (!Number.isFinite(ceiling)) return Infinity;
  for (let n = 1; n <= 100_000; n++) if (usl(fit, n) >= KNEE_SHARE * ceiling) return n;
  return Infinity;
}
