/**
 * Tune's noise between trials (rate-window.ts, tune.ts `pays`): each window's two halves measure
 * the same rate seconds apart, and how far they disagree — pooled over the trials — is the noise
 * a step between two trials (two runs at different times) must rise past, where it is more than
 * the trials' own bucket noise. Windows are fed made-up counts: RateWindow is pure arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { betweenNoise, type Measured, RateWindow, rose } from '../../src/pipeline/rate-window.js';
import { noiseBetween, pays, recommend, secondLooks, type Trial } from '../../src/pipeline/tune.js';

/** A window of 3 s sampled every 100 ms at `first` items/s for its first half and `second` after. */
function windowOf(first: number, second: number): Measured {
  return fed(first, second).measure()!;
}

/** Whether such a window is steady, as tune requires of a trial's (within MAX_UNSTEADY tries). */
const steady = (first: number, second: number): boolean | undefined => fed(first, second).steady();

function fed(first: number, second: number): RateWindow {
  const window = new RateWindow();
  let n = 0;
  for (let t = 0; t <= 3000; t += 100) {
    window.add(t, Math.round(n));
    n += ((t < 1500 ? first : second) * 100) / 1000;
  }
  return window;
}

const trialOf = (workers: number[], m: Measured): Trial => ({
  workers,
  itemsPerSecond: m.rate,
  noise: m.noise,
  drift: m.drift!,
  latencyMs: { p50: 1, p99: 2 },
  cpu: 0.1,
  endedBy: 'stopped',
});

describe('noise between trials', () => {
  it("a window's drift is half the difference of its halves, as a share of its rate", () => {
    const m = windowOf(1000, 1040);
    expect(m.rate).toBeCloseTo(1020, 0);
    expect(m.drift).toBeCloseTo(40 / (2 * 1020), 3);
    // The buckets' own noise shows less of it: neighbouring buckets sit at the same level.
    expect(m.noise).toBeLessThan(m.drift! * m.rate);
    expect(windowOf(1000, 1000).drift).toBe(0);
  });

  it('pools the drifts of every measured trial (root mean square)', () => {
    expect(betweenNoise([0.03, -0.04])).toBeCloseTo(Math.sqrt((0.0009 + 0.0016) / 2), 6);
    expect(betweenNoise([])).toBe(0);
    const failed: Trial = { ...trialOf([1, 1], windowOf(500, 600)), endedBy: 'failed' };
    expect(noiseBetween([failed, trialOf([1, 2], windowOf(1000, 1000))])).toBe(0);
  });

  it('a step that rose past both trials’ own noise but not past the noise between trials does not pay', () => {
    // Steady trials: +4 % pays (the bucket noise is nil; 4 % is past MIN_GAIN).
    const flat = [trialOf([1, 4], windowOf(1000, 1000)), trialOf([1, 5], windowOf(1040, 1040))] as const;
    expect(pays(flat[0], flat[1], flat)).toBe(true);
    // The same +4 % between trials whose rates wandered 3 % within their windows — still steady
    // windows (halves within MIN_GAIN), as tune measures them — is within what a rate moves
    // between runs: it does not pay, though it rose past the trials' own noise.
    expect(steady(985, 1015)).toBe(true);
    const before = trialOf([1, 4], windowOf(985, 1015));
    const after = trialOf([1, 5], windowOf(1025, 1055));
    const trials = [trialOf([1, 1], windowOf(1015, 985)), trialOf([1, 2], windowOf(985, 1015)), before, after];
    expect(noiseBetween(trials)).toBeCloseTo(0.015, 3);
    expect(rose(withOwnNoise(before), withOwnNoise(after))).toBe(true); // what it decided before
    expect(pays(before, after, trials)).toBe(false);
    // A clear step still pays through that noise.
    const doubled = trialOf([1, 8], windowOf(1970, 2030));
    expect(pays(before, doubled, [...trials, doubled])).toBe(true);
  });
});

const withOwnNoise = (t: Trial): Measured => ({ rate: t.itemsPerSecond, noise: t.noise, ms: 3000 });

describe('a second look before recommending', () => {
  const at = (workers: number[], rate: number): Trial => trialOf(workers, windowOf(rate, rate));
  it('measures again the fewer-worker settings that fell just short; the faster run counts', () => {
    // 4 consumers carry the feed, but a busy moment caught their trial (380/s); 8 measured 450/s.
    const trials = [at([1, 1], 110), at([1, 2], 220), at([1, 4], 380), at([1, 8], 450)];
    const first = recommend(trials, trials[3]!);
    expect(first.workers).toEqual([1, 8]);
    // 1 and 2 consumers are far below the best: only 4 gets a second look.
    expect(secondLooks(trials, first).map((t) => t.workers)).toEqual([[1, 4]]);
    // Its second run is undisturbed: it is recommended, and it gets no third look.
    const again = [...trials, at([1, 4], 455)];
    const second = recommend(again, again[4]!);
    expect(second.workers).toEqual([1, 4]);
    expect(secondLooks(again, second)).toEqual([]);
  });

  it('none when the recommendation has the fewest workers of any near the best, or all fell far short', () => {
    expect(secondLooks([at([1, 1], 100), at([1, 2], 200), at([1, 4], 400)], at([1, 4], 400))).toEqual([]);
    const far = [at([1, 1], 100), at([1, 2], 200), at([1, 3], 290), at([1, 8], 450)];
    expect(secondLooks(far, far[3]!)).toEqual([]); // 290 is under 0.75 × 450
  });
});
