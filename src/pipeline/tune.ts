/**
 * `tune(config, options)`: short trials of the pipeline `config` describes, varying its counts, to
 * find the fewest workers that carry the most throughput.
 *
 * Each trial is a real run of the same workload (the user's producer, stages and consumer too),
 * started with the counts under trial, left to settle (every worker started, then SETTLE_MS), and
 * measured over MEASURE_MS (rate-window.ts; a window still moving is measured again), then stopped.
 *
 * The search is not a grid. It starts from the counts given and follows the bottleneck judge: the
 * stage it names (or the pool) gets more workers; a step that pays (the rate rose past the noise:
 * each trial's own, or the noise between trials where that is more — rate-window.ts estimates it
 * from how far each window's halves disagree, pooled over the trials so far) doubles the next
 * step there ("widen where it pays"); one that does not is retried as a single
 * worker, and if that does not pay either the dimension is held. Every stage is tried before the
 * search ends; a step that pays anywhere frees the held ones. No trial starts that would end past
 * the budget.
 *
 * The recommendation is the trial with the fewest workers (then the smallest pool) whose rate is
 * within the tolerance of the best trial's: the noise (as above), but at least MIN_GAIN and at most
 * MAX_SHORTFALL of the best rate. Settings with fewer workers that fell just short are measured a
 * second time first (secondLooks): a busy moment only ever slows a trial. The USL fit (usl.ts) of
 * the best rate at each total of workers says where the curve flattens.
 */
import { availableParallelism } from 'node:os';
import { MAX_UNSTEADY, MEASURE_MS, SETTLE_MS } from './autoscale.js';
import { processCpuMs } from './autoscale-driver.js';
import { MAX_WORKERS_PER_ROLE, resolveConfig } from './config.js';
import { betweenNoise, type Measured, MIN_GAIN, RateWindow, rose, SIGMAS, withNoiseFloor } from './rate-window.js';
import { startPipeline } from './run-pipeline.js';
import type { PipelineConfig, Snapshot, Summary } from './types.js';
import { fitUsl, type UslFit } from './usl.js';
import { countFlags, countsOf, withCounts } from './worker-counts.js';

/** The recommendation may fall short of the best trial's rate by at most this share. */
export const MAX_SHORTFALL = 0.05;
/** Default time bound of a tune. */
export const DEFAULT_BUDGET_MS = 60_000;
/** How long a trial may take to stop once measured before it is torn down. */
const STOP_MS = 10_000;

export interface TuneOptions {
  /** Start no trial that would end past this (default 60 s). */
  budgetMs?: number;
  /** Called as each trial ends. */
  onTrial?: (trial: Trial) => void;
  /** Aborting it ends the trial under way and the search. */
  signal?: AbortSignal;
}

/** One trial's counts, and what it measured. */
export interface Trial {
  /** Workers per stage, producers first. */
  workers: number[];
  /** The pool's size, for a run with `--pool`. */
  pool?: number;
  /** Items/s the consumers took over the window, and its noise (standard error). */
  itemsPerSecond: number;
  noise: number;
  /** Half the difference of the window's halves, as a share of its rate (rate-window.ts: the drift). */
  drift: number;
  latencyMs: { p50: number; p99: number };
  /** Share of all cores the process used over the window (0..1). */
  cpu: number;
  /** The stage the judge named at the end of the window, if any ("consumers", "the pool"). */
  bottleneck?: string;
  /** How the trial's run ended ("stopped" once measured; anything else cut it short). */
  endedBy: Summary['endedBy'];
  error?: string;
}

export interface TuneReport {
  trials: Trial[];
  /** The trial with the highest rate. */
  best: Trial;
  /** The fewest workers within the tolerance of the best (see the header). */
  recommended: Trial;
  /** Its counts as flags to paste: "-p 1 -c 4" (and "--pool N"). */
  flags: string;
  /** The noise between trials, as a share of a rate (from every measured trial's drift). */
  betweenNoise: number;
  /** The USL fit of the best rate at each total of workers (undefined: fewer than three totals). */
  fit?: UslFit;
  /** Why the search ended. */
  ended: 'converged' | 'budget' | 'aborted' | 'failed';
  elapsedMs: number;
}

/** A point of the search: workers per stage, then the pool's size when the run has one. */
type Setting = number[];

const totalOf = (t: Pick<Trial, 'workers'>): number => t.workers.reduce((a, b) => a + b, 0);

/**
 * Runs the trials and recommends counts.
 * @throws ConfigError for a bad configuration (before any trial)
 */
export async function tune(input: Partial<PipelineConfig>, options: TuneOptions = {}): Promise<TuneReport> {
  const config = resolveConfig({ ...input, items: undefined, durationMs: 3_600_000 });
  const budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = Date.now();
  const stages = config.stages.length + 2;
  const trials: Trial[] = [];
  const tried = new Map<string, Trial>();
  let ended: TuneReport['ended'] = 'converged';

  const run = async (setting: Setting): Promise<Trial> => {
    const known = tried.get(setting.join(','));
    if (known !== undefined) return known;
    const trial = await runTrial(config, setting, options.signal);
    trials.push(trial);
    tried.set(setting.join(','), trial);
    options.onTrial?.(trial);
    return trial;
  };
  const settingOf = (t: Trial): Setting => [...t.workers, ...(t.pool !== undefined ? [t.pool] : [])];
  const fits = (): boolean => {
    const spent = Date.now() - started;
    return spent + spent / Math.max(1, trials.length) <= budget;
  };
  /** The dimension of the stage the judge named: a stage's index, or the pool's after them. */
  const dimensionOf = (name: string | undefined): number | undefined => {
    if (name === 'the pool') return config.pool !== undefined ? stages : undefined;
    const i = Array.from({ length: stages }, (_, k) => k).find((k) => stageName(config, k) === name);
    return i;
  };

  let best = await run([...countsOf(config), ...(config.pool !== undefined ? [config.pool] : [])]);
  const held = new Set<number>();
  let step = 1;
  let target: number | undefined;
  while (best.endedBy === 'stopped') {
    if (options.signal?.aborted) {
      ended = 'aborted';
      break;
    }
    if (!fits()) {
      ended = 'budget';
      break;
    }
    if (target === undefined || held.has(target)) {
      // The judge's stage first, then every other not yet held, consumers first.
      const dims = settingOf(best).map((_, i) => i);
      const order = [dimensionOf(best.bottleneck), ...dims.reverse()];
      [target, step] = [order.find((d) => d !== undefined && !held.has(d)), 1];
    }
    if (target === undefined) break;
    const from = settingOf(best);
    const next = [...from];
    next[target] = Math.min(MAX_WORKERS_PER_ROLE, from[target]! + step);
    if (next[target] === from[target]) {
      held.add(target);
      continue;
    }
    const trial = await run(next);
    if (trial.endedBy !== 'stopped') {
      ended = options.signal?.aborted ? 'aborted' : 'failed';
      break;
    }
    if (pays(best, trial, trials)) {
      best = trial;
      held.clear();
      // Widen where it pays; where the judge now points elsewhere, start there with one.
      const named = dimensionOf(trial.bottleneck);
      if (named === undefined || named === target) step *= 2;
      else [target, step] = [named, 1];
    } else if (step > 1) step = 1;
    else held.add(target);
  }
  if (best.endedBy !== 'stopped' && ended === 'converged') ended = 'failed';
  // A second look at the settings with fewer workers that fell just short (see secondLooks).
  if (ended === 'converged' || ended === 'budget') {
    const shown = recommend(trials, topOf(trials), noiseBetween(trials));
    for (const again of secondLooks(trials, shown)) {
      if (!fits() || options.signal?.aborted) break;
      const trial = await runTrial(config, settingOf(again), options.signal);
      trials.push(trial);
      options.onTrial?.(trial);
    }
  }
  const top = topOf(trials);
  const between = noiseBetween(trials);
  const recommended = recommend(trials, top, between);
  const flags =
    countFlags(config, recommended.workers) + (recommended.pool !== undefined ? ` --pool ${recommended.pool}` : '');
  const fit = fitUsl(frontier(trials));
  return {
    trials,
    best: top,
    recommended,
    flags,
    betweenNoise: between,
    ...(fit !== undefined ? { fit } : {}),
    ended,
    elapsedMs: Date.now() - started,
  };
}

/** A trial's rate, its noise at least `between` of it. */
const measuredOf = (t: Trial, between: number): Measured =>
  withNoiseFloor({ rate: t.itemsPerSecond, noise: t.noise, ms: MEASURE_MS }, between);

/** The noise between the trials measured so far, as a share of a rate (rate-window.ts). */
export function noiseBetween(trials: readonly Trial[]): number {
  return betweenNoise(trials.filter((t) => t.endedBy === 'stopped').map((t) => t.drift));
}

/** Whether the step from `before` to `after` paid: its rate rose past the noise of both, and between trials. */
export function pays(before: Trial, after: Trial, trials: readonly Trial[]): boolean {
  const between = noiseBetween(trials);
  return rose(measuredOf(before, between), measuredOf(after, between));
}

/** The fewest workers (then the smallest pool) within the tolerance of the best trial. */
export function recommend(trials: readonly Trial[], top: Trial, between = 0): Trial {
  const usable = trials.filter((t) => t.endedBy === 'stopped');
  const within = (t: Trial): boolean => {
    const noise = SIGMAS * Math.hypot(measuredOf(t, between).noise, measuredOf(top, between).noise);
    const tolerance = Math.min(MAX_SHORTFALL * top.itemsPerSecond, Math.max(MIN_GAIN * top.itemsPerSecond, noise));
    return t.itemsPerSecond >= top.itemsPerSecond - tolerance;
  };
  const candidates = usable.filter(within);
  const order = (a: Trial, b: Trial): number =>
    totalOf(a) - totalOf(b) || (a.pool ?? 0) - (b.pool ?? 0) || b.itemsPerSecond - a.itemsPerSecond;
  return [...candidates].sort(order)[0] ?? top;
}

/** The trial with the highest rate. */
const topOf = (trials: readonly Trial[]): Trial =>
  trials.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));

/** How far below the best rate a setting with fewer workers may fall and still get a second look. */
export const SECOND_LOOK = 0.75;

/**
 * The settings to measure once more before recommending: those with fewer workers than the
 * recommendation whose one trial fell short of the best by more than the tolerance, but by less
 * than 1 - SECOND_LOOK — fewest workers first, at most two. Another process or a pause in this one
 * only ever slows a trial, so a trial caught by one understates its setting; of two runs of a
 * setting the faster counts (the recommendation and the curve take each setting's best trial).
 * A setting already measured twice gets no third look.
 */
export function secondLooks(trials: readonly Trial[], recommended: Trial): Trial[] {
  const usable = trials.filter((t) => t.endedBy === 'stopped');
  const top = topOf(usable.length > 0 ? usable : trials);
  const key = (t: Trial): string => `${t.workers.join(',')}/${t.pool ?? ''}`;
  const runs = new Map<string, number>();
  for (const t of trials) runs.set(key(t), (runs.get(key(t)) ?? 0) + 1);
  return usable
    .filter((t) => totalOf(t) < totalOf(recommended) && runs.get(key(t)) === 1)
    .filter((t) => t.itemsPerSecond >= SECOND_LOOK * top.itemsPerSecond)
    .sort((a, b) => totalOf(a) - totalOf(b) || b.itemsPerSecond - a.itemsPerSecond)
    .slice(0, 2);
}

/** The best rate at each total of workers: the curve of throughput against workers. */
export function frontier(trials: readonly Trial[]): Array<{ workers: number; rate: number }> {
  const byTotal = new Map<number, number>();
  for (const t of trials)
    if (t.endedBy === 'stopped') byTotal.set(totalOf(t), Math.max(byTotal.get(totalOf(t)) ?? 0, t.itemsPerSecond));
  return [...byTotal].sort((a, b) => a[0] - b[0]).map(([workers, rate]) => ({ workers, rate }));
}

/** How a trial ended: "stopped" once measured; else how its run ended, and why. */
function ended(measured: boolean, summary: Summary): Pick<Trial, 'endedBy' | 'error'> {
  if (measured && (summary.endedBy === 'stopped' || summary.endedBy === 'completed')) return { endedBy: 'stopped' };
  if (summary.error !== undefined) return { endedBy: summary.endedBy, error: summary.error };
  const why =
    summary.endedBy === 'completed'
      ? `the run ended after ${summary.durationMs} ms, before its rate was measured (give the producer more items)`
      : `the trial was ${summary.endedBy} before its rate was measured`;
  return { endedBy: summary.endedBy === 'stopped' ? 'aborted' : summary.endedBy, error: why };
}

/** "producers", a stage's name, or "consumers": stage `i`'s name as the judge says it. */
function stageName(config: PipelineConfig, i: number): string {
  if (i === 0) return 'producers';
  if (i === config.stages.length + 1) return 'consumers';
  return config.stages[i - 1]!.name;
}

/** One trial: a run with `setting`'s counts, settled, measured, stopped. */
async function runTrial(config: PipelineConfig, setting: Setting, signal: AbortSignal | undefined): Promise<Trial> {
  const stages = config.stages.length + 2;
  const workers = setting.slice(0, stages);
  const pool = config.pool !== undefined ? setting[stages] : undefined;
  const trialConfig: PipelineConfig = { ...withCounts(config, workers), pool };
  const cores = availableParallelism();
  let window: RateWindow | undefined;
  let tries = 0;
  let settleFrom: number | undefined;
  let cpuAt: { t: number; ms: number } | undefined;
  let result: { measured: Measured; cpu: number; last: Snapshot } | undefined;
  let finish!: () => void;
  const measuredOrEnded = new Promise<void>((resolve) => (finish = resolve));
  const cpuMs = processCpuMs;
  const onSnapshot = (s: Snapshot): void => {
    if (result !== undefined || s.state !== 'running') return;
    if (settleFrom === undefined) {
      if (s.workers.some((w) => w.state === 'starting') || s.workers.length < totalOf({ workers })) return;
      settleFrom = s.t;
    }
    if (s.t - settleFrom < SETTLE_MS) return;
    if (window === undefined) {
      window = new RateWindow();
      cpuAt = { t: s.t, ms: cpuMs() };
    }
    window.add(s.t, s.totals.consumed);
    if (window.span < MEASURE_MS) return;
    if (window.steady() === false && tries < MAX_UNSTEADY) {
      tries++;
      window = new RateWindow();
      window.add(s.t, s.totals.consumed);
      return;
    }
    const cpu = (cpuMs() - cpuAt!.ms) / Math.max(1, (s.t - cpuAt!.t) * cores);
    result = { measured: window.measure()!, cpu, last: s };
    finish();
  };
  const run = startPipeline(trialConfig, { onSnapshot, signal });
  const summary = run.done;
  await Promise.race([measuredOrEnded, summary]);
  run.stop();
  const late = setTimeout(() => run.abort(), STOP_MS);
  const ending = await summary;
  clearTimeout(late);
  const last = result?.last ?? run.latest();
  return {
    workers,
    ...(pool !== undefined ? { pool } : {}),
    itemsPerSecond: result?.measured.rate ?? 0,
    noise: result?.measured.noise ?? 0,
    drift: result?.measured.drift ?? 0,
    latencyMs: { p50: ending.latencyMs.p50, p99: ending.latencyMs.p99 },
    cpu: result?.cpu ?? 0,
    ...(last?.bottleneck !== undefined ? { bottleneck: last.bottleneck.name } : {}),
    ...ended(result !== undefined, ending),
  };
}
