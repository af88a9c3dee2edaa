/**
 * The USL fit recovers the parameters of curves made from known ones, and finds where a curve
 * that rises and then flattens bends; the tuner's recommendation is the fewest workers within
 * the best trial's tolerance, and never more than MAX_SHORTFALL below it.
 */
import { describe, expect, it } from 'vitest';
import { frontier, MAX_SHORTFALL, recommend, type Trial } from '../../src/pipeline/tune.js';
import { fitUsl, usl } from '../../src/pipeline/usl.js';

const NS = [1, 2, 3, 4, 6, 8, 12, 16];

describe('USL fit', () => {
  it('recovers λ, σ and κ from a curve made with them, and its peak √((1−σ)/κ)', () => {
    const made = { lambda: 100, sigma: 0.05, kappa: 0.002 };
    const fit = fitUsl(NS.map((n) => ({ workers: n, rate: usl(made, n) })))!;
    expect(fit.lambda).toBeCloseTo(100, 0);
    expect(fit.sigma).toBeCloseTo(0.05, 2);
    expect(fit.kappa / 0.002).toBeCloseTo(1, 0);
    expect(fit.peakWorkers).toBeCloseTo(Math.sqrt(0.95 / 0.002), -1);
    expect(fit.rmse).toBeLessThan(2);
  });

  it('a linear rise that stops dead (1 producer feeding 8 ms consumers): flattens near where it stops', () => {
    // 125/s a consumer, 1,000/s at most: the knee by construction is at 8 consumers.
    const points = NS.map((n) => ({ workers: n, rate: Math.min(1000, 125 * n) }));
    const fit = fitUsl(points)!;
    expect(Math.abs(fit.knee - 8)).toBeLessThanOrEqual(3);
    expect(fit.ceiling).toBeGreaterThan(900);
  });

  it('needs three totals of workers', () => {
    expect(
      fitUsl([
        { workers: 1, rate: 10 },
        { workers: 2, rate: 20 },
      ]),
    ).toBeUndefined();
  });
});

const trial = (workers: number[], rate: number, noise = 0, drift = 0): Trial => ({
  workers,
  itemsPerSecond: rate,
  noise,
  drift,
  latencyMs: { p50: 1, p99: 2 },
  cpu: 0.1,
  endedBy: 'stopped',
});

describe('recommendation', () => {
  it('the fewest workers within the tolerance of the best', () => {
    const trials = [trial([1, 4], 480), trial([1, 5], 500), trial([1, 8], 505), trial([1, 3], 375)];
    const top = trials[2]!;
    expect(recommend(trials, top).workers).toEqual([1, 5]); // 4 % short is more than the noise (0)
    const noisy = trials.map((t) => ({ ...t, noise: 15 }));
    expect(recommend(noisy, noisy[2]!).workers).toEqual([1, 4]); // within 5 % and the noise
  });

  it('counts the noise between trials: within it of the best is as good as the best', () => {
    // 4 % short of the best: more than either trial's own noise, less than the noise between trials.
    const trials = [trial([1, 4], 480, 2), trial([1, 5], 500, 2)];
    expect(recommend(trials, trials[1]!, 0).workers).toEqual([1, 5]);
    expect(recommend(trials, trials[1]!, 0.02).workers).toEqual([1, 4]);
  });

  it('never further below the best than MAX_SHORTFALL, however noisy', () => {
    const trials = [trial([1, 2], 400, 200), trial([1, 8], 1000, 200)];
    const chosen = recommend(trials, trials[1]!);
    expect(chosen.itemsPerSecond).toBeGreaterThanOrEqual((1 - MAX_SHORTFALL) * 1000);
  });

  it('the curve: the best rate at each total of workers, failed trials left out', () => {
    const trials = [trial([1, 4], 480), trial([2, 3], 500), { ...trial([1, 6], 0), endedBy: 'failed' as const }];
    expect(frontier(trials)).toEqual([{ workers: 5, rate: 500 }]);
  });
});
