/**
 * The `--autoscale` policy: grows a running pipeline where the bottleneck judge points, one worker
 * at a time, and keeps a worker only if it paid. Pure: it reads Snapshots (and the process's CPU
 * time) and answers with an action; the driver (autoscale-driver.ts) applies it to the run.
 *
 * One cycle:
 *   settling   after a change, SETTLE_MS and until every stage runs the workers expected
 *              (the judge needs that long to see the new balance; a new worker must start)
 *   measuring  the consumers' rate over MEASURE_MS (rate-window.ts: buckets, and the noise from
 *              their spread); a window whose halves disagree is measured again, up to MAX_UNSTEADY;
 *              a gain worth having that the noise still hides is measured on, up to MAX_EXTENSIONS
 *   judging    after a step: kept if the rate rose by more than the noise and by MIN_GAIN, else
 *              the worker is taken back and its stage held for HOLD_MS; then the next step goes
 *              where the judge points (producers, a stage, consumers — or, when it blames the
 *              pool, a permit more for the pool); while it names nobody the rate is measured
 *              again, up to MAX_UNJUDGED times
 * A pool's step is judged as a worker's: a permit that did not pay is taken back (the pool is
 * lowered as the consumers return permits: none held is revoked) and settling waits until the
 * pool's size is the one asked for. A backend whose pool cannot be resized would end it there.
 * It stops for good — settled — when the judge names a stage (or the pool) whose last step did not
 * pay, or no stage at all; and it stops adding when the run has `max` workers in all, or, for
 * CPU-bound work, when the CPUs are saturated. Permits are not workers: they do not count to `max`.
 */
import { MAX_WORKERS_PER_ROLE } from './config.js';
import { gainOf, type Measured, MIN_GAIN, RateWindow, rose } from './rate-window.js';
import type { AutoscaleDecision, AutoscaleReading, PipelineConfig, Snapshot, Summary } from './types.js';
import { countFlags, ordinal, perSecond, signedPercent, workerNoun, workersOf } from './worker-counts.js';

/** How long after a change before its rate is measured. */
export const SETTLE_MS = 2000;
/** How long a rate is measured. */
export const MEASURE_MS = 3000;
/** How long a stage whose step did not pay is left alone. */
export const HOLD_MS = 20_000;
/** Share of all cores in use from which CPU-bound work gains nothing from another worker. */
export const CPU_SATURATED = 0.9;
/** Windows measured again because their rate was still moving, before one is taken as it is. */
export const MAX_UNSTEADY = 3;
/** Times a window is measured on, MEASURE_MS more each, while a step's gain is within the noise. */
export const MAX_EXTENSIONS = 2;
/** Windows measured again while the judge names no stage (it may, once the rates steady), before settling. */
export const MAX_UNJUDGED = 2;
/** How long to wait for an added worker to start (or a removed one to leave) before going on. */
export const COUNT_WAIT_MS = 10_000;
/** Decisions a snapshot carries for the dashboard. */
const RECENT = 3;

/** `runPipeline(config, { autoscale })`: true for the defaults, or the most workers in all. */
export interface AutoscaleOptions {
  /** Most workers in all, every stage's together (default: defaultMaxWorkers). */
  max?: number;
}

/** The limits the policy works within. */
export interface AutoscaleLimits {
  max: number;
  /** Cores of the machine, for the CPU share. */
  cores: number;
  /** Whether the work burns CPU (so a saturated CPU stops it), or may (the user's code). */
  cpuBound: boolean;
  /** Whether the run's pool can be resized while it runs (the backend made it resizable). */
  poolResizable?: boolean;
}

/** An action on the run: add or remove one worker of a stage (0: producers, last: consumers), or resize the pool. */
export type AutoscaleAction = { kind: 'add' | 'remove'; stage: number } | { kind: 'pool'; size: number };

/** What a step changes: a stage's workers (its index), or the pool's permits. */
type Dimension = number | 'pool';

/** Wrong `autoscale` option: says what is accepted. */
export class AutoscaleError extends Error {
  override name = 'AutoscaleError';
}

/** Whether the work burns CPU: --work spin, or code of the user's whose kind we cannot know. */
export function cpuBoundWork(config: PipelineConfig): boolean {
  return config.work === 'spin' || config.producer !== undefined || config.consumer !== undefined;
}

/**
 * The default bound on workers in all: CPU-bound work gains nothing past a worker per core;
 * work that waits (sleep, I/O) can use many more — 8 per core, at least 16.
 */
export function defaultMaxWorkers(config: PipelineConfig, cores: number): number {
  const builtIn = config.producer === undefined && config.consumer === undefined;
  if (config.work === 'spin' && builtIn) return Math.max(config.stages.length + 2, cores);
  return Math.max(16, 8 * cores);
}

/** The limits for `options` (true: the defaults). @throws AutoscaleError for a bad `max` */
export function autoscaleLimits(
  config: PipelineConfig,
  options: AutoscaleOptions | true,
  cores: number,
  subject = 'autoscale.max',
): AutoscaleLimits {
  const stages = config.stages.length + 2;
  const most = stages * MAX_WORKERS_PER_ROLE;
  const max = options === true || options.max === undefined ? defaultMaxWorkers(config, cores) : options.max;
  if (!Number.isInteger(max) || max < stages || max > most)
    throw new AutoscaleError(
      `${subject} must be an integer from ${stages} (a worker per stage) to ${most}, got ${String(max)}`,
    );
  return { max, cores, cpuBound: cpuBoundWork(config) };
}

type Phase =
  | { name: 'settling'; until: number }
  | {
      name: 'measuring';
      window: RateWindow;
      tries: number;
      /** MEASURE_MS periods the window runs for (more while a gain is unclear). */
      periods: number;
      cpuAt: { t: number; ms: number };
    }
  | { name: 'done' };

/** A step under trial: the stage that got a worker (or the pool a permit), and the rate before it. */
interface Step {
  stage: Dimension;
  before: Measured;
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;

export class AutoscalePolicy {
  private phase: Phase | undefined;
  private counts: number[] | undefined;
  /** The pool's size as it should be (undefined: the run has no pool). */
  private pool: number | undefined;
  private step: Step | undefined;
  private current: Measured | undefined;
  /** Windows in a row that ended with no stage named. */
  private unjudged = 0;
  private readonly held = new Map<Dimension, number>();
  private readonly decisions: AutoscaleDecision[] = [];

  constructor(
    private readonly config: PipelineConfig,
    private readonly limits: AutoscaleLimits,
  ) {}

  /**
   * Feeds one snapshot and the process's CPU time so far (ms, all threads); returns what to do to
   * the run, if anything. Acts only while the run is running; pausing it restarts the measurement.
   */
  observe(s: Snapshot, cpuMs = 0): AutoscaleAction | undefined {
    if (this.phase?.name === 'done') return undefined;
    const running = s.stages.map((stage) => stage.running);
    if (s.state !== 'running') {
      if (s.state === 'paused' && this.phase !== undefined) this.settle(s.t);
      return undefined;
    }
    // The budget made (-n): the producers are leaving and the run drains next; the counts that
    // remain are not ones to go on from or to report. (A producer that is done says less: a user's
    // producer may have nothing to make, as all but the first of a feed's.)
    if (this.config.items !== undefined && s.totals.produced >= this.config.items) return undefined;
    if (this.phase === undefined || this.counts === undefined) {
      this.counts = running;
      this.pool = s.pool?.size;
      this.settle(s.t);
      return undefined;
    }
    if (this.phase.name === 'settling') {
      const starting = s.workers.some((w) => w.state === 'starting');
      // Not yet as expected: a worker still starting, one asked to leave that has not yet, or a
      // pool being lowered whose permits have not all come back.
      const waiting = starting || !this.asExpected(s, running);
      if (s.t < this.phase.until || (waiting && s.t < this.phase.until + COUNT_WAIT_MS)) return undefined;
      if (!this.asExpected(s, running)) {
        // A step that never took (its worker left at once, as a producer with nothing to make): not again.
        const step = this.step;
        if (step?.stage === 'pool') this.held.set('pool', s.t + HOLD_MS);
        else if (step !== undefined && running[step.stage]! < this.counts[step.stage]!)
          this.held.set(step.stage, s.t + HOLD_MS);
        // More than expected: someone else added workers (the keys): go on from what runs, judging no step.
        [this.counts, this.pool, this.step] = [running, s.pool?.size, undefined];
      }
      this.phase = { name: 'measuring', window: new RateWindow(), tries: 0, periods: 1, cpuAt: { t: s.t, ms: cpuMs } };
    }
    const phase = this.phase;
    if (phase.name !== 'measuring') return undefined;
    // Someone else changed the counts (the keys, a worker that failed): start over from them.
    if (!this.asExpected(s, running)) {
      [this.counts, this.pool, this.step] = [running, s.pool?.size, undefined];
      this.settle(s.t);
      return undefined;
    }
    phase.window.add(s.t, s.totals.consumed);
    if (phase.window.span < MEASURE_MS * phase.periods) return undefined;
    if (phase.window.steady() === false && phase.tries < MAX_UNSTEADY) {
      this.phase = { ...phase, window: new RateWindow(), tries: phase.tries + 1 };
      this.phase.window.add(s.t, s.totals.consumed);
      return undefined;
    }
    const measured = phase.window.measure()!;
    // A gain worth having that the noise still hides: measure on, for a surer answer.
    const step = this.step;
    const unclear = step !== undefined && !rose(step.before, measured) && gainOf(step.before, measured) >= MIN_GAIN;
    if (unclear && phase.periods <= MAX_EXTENSIONS) {
      phase.periods++;
      return undefined;
    }
    const cpu = (cpuMs - phase.cpuAt.ms) / Math.max(1, (s.t - phase.cpuAt.t) * this.limits.cores);
    return this.judge(s, measured, cpu);
  }

  /** What a snapshot shows of it. */
  reading(): AutoscaleReading {
    return { decided: this.decisions.length, recent: this.decisions.slice(-RECENT), done: this.finished };
  }

  /** What the summary says of it: every decision, and the counts it settled on. */
  outcome(): NonNullable<Summary['autoscale']> {
    const workers = this.counts ?? [this.config.producers, ...this.config.stages.map((s) => s.workers)];
    if (this.counts === undefined) workers.push(this.config.consumers);
    const pool = this.counts === undefined ? this.config.pool : this.pool;
    const flags = this.flags(workers, pool);
    const done = this.finished;
    return { decisions: [...this.decisions], workers, ...(pool !== undefined ? { pool } : {}), flags, done };
  }

  get finished(): boolean {
    return this.phase?.name === 'done';
  }

  /** The counts (and the pool's size) as flags to paste. */
  private flags(workers: readonly number[], pool: number | undefined): string {
    return countFlags(this.config, workers) + (pool !== undefined ? ` --pool ${pool}` : '');
  }

  /** Whether the run has the workers, and the pool the size, the policy expects. */
  private asExpected(s: Snapshot, running: readonly number[]): boolean {
    return sameCounts(running, this.counts!) && s.pool?.size === this.pool;
  }

  private settle(t: number): void {
    this.phase = { name: 'settling', until: t + SETTLE_MS };
  }

  private decide(t: number, text: string): void {
    this.decisions.push({ t, text });
  }

  private finish(t: number, text: string): undefined {
    this.decide(t, text);
    this.phase = { name: 'done' };
    return undefined;
  }

  /** A rate measured: judge the step that led to it, then take the next one. */
  private judge(s: Snapshot, m: Measured, cpu: number): AutoscaleAction | undefined {
    const counts = this.counts!;
    const step = this.step;
    this.step = undefined;
    if (step !== undefined) {
      const gain = gainOf(step.before, m);
      if (step.stage === 'pool') return this.judgePool(s, step, m, cpu);
      if (!rose(step.before, m)) {
        const n = counts[step.stage]!;
        const what = `${gain >= 0 ? 'gained' : 'lost'} ${pct(Math.abs(gain))}`;
        this.decide(s.t, `kept ${workersOf(this.config, step.stage, n - 1)}: a ${ordinal(n)} ${what}`);
        this.held.set(step.stage, s.t + HOLD_MS);
        counts[step.stage] = n - 1;
        this.current = step.before;
        this.settle(s.t);
        return { kind: 'remove', stage: step.stage };
      }
      this.decide(s.t, `+1 ${workerNoun(this.config, step.stage)} → ${perSecond(m.rate)} (${signedPercent(gain)})`);
    }
    this.current = m;
    return this.next(s, cpu);
  }

  /** A permit more for the pool, measured: kept if it paid, else taken back (see the header). */
  private judgePool(s: Snapshot, step: Step, m: Measured, cpu: number): AutoscaleAction | undefined {
    const gain = gainOf(step.before, m);
    const n = this.pool!;
    if (!rose(step.before, m)) {
      const what = `${gain >= 0 ? 'gained' : 'lost'} ${pct(Math.abs(gain))}`;
      this.decide(s.t, `kept the pool at ${n - 1}: a ${ordinal(n)} permit ${what}`);
      this.held.set('pool', s.t + HOLD_MS);
      this.pool = n - 1;
      this.current = step.before;
      this.settle(s.t);
      return { kind: 'pool', size: n - 1 };
    }
    this.decide(s.t, `+1 pool permit → ${perSecond(m.rate)} (${signedPercent(gain)})`);
    this.current = m;
    return this.next(s, cpu);
  }

  /** The pool blamed: a permit more, unless that did not pay just now or cannot be. */
  private raisePool(s: Snapshot, at: string): AutoscaleAction | undefined {
    if (!this.limits.poolResizable)
      return this.finish(
        s.t,
        `settled: the pool holds the run back (raise --pool; it cannot grow during this run): ${at}`,
      );
    if ((this.held.get('pool') ?? -Infinity) > s.t)
      return this.finish(s.t, `settled: another pool permit does not pay: ${at}`);
    if (this.pool! >= MAX_WORKERS_PER_ROLE)
      return this.finish(s.t, `settled: the pool has the most permits it may have: ${at}`);
    this.step = { stage: 'pool', before: this.current! };
    this.pool = this.pool! + 1;
    this.settle(s.t);
    return { kind: 'pool', size: this.pool };
  }

  /** Where the next worker goes, if anywhere. */
  private next(s: Snapshot, cpu: number): AutoscaleAction | undefined {
    const counts = this.counts!;
    const at = `${this.flags(counts, this.pool)} (${perSecond(this.current!.rate)})`;
    const total = counts.reduce((a, b) => a + b, 0);
    if (total >= this.limits.max)
      return this.finish(
        s.t,
        `stopped at ${total} workers, the most it may run (--autoscale=${this.limits.max}): ${at}`,
      );
    if (this.limits.cpuBound && cpu >= CPU_SATURATED)
      return this.finish(s.t, `stopped: the CPUs are saturated (${pct(cpu)} of ${this.limits.cores} cores): ${at}`);
    const b = s.bottleneck;
    if (b === undefined && this.unjudged < MAX_UNJUDGED) {
      this.unjudged++;
      this.settle(s.t - SETTLE_MS); // measured again at once: nothing changed
      return undefined;
    }
    this.unjudged = 0;
    if (b === undefined) return this.finish(s.t, `settled: no stage holds the run back: ${at}`);
    if (s.pool !== undefined && b.name === 'the pool') return this.raisePool(s, at);
    const stage = b.stage;
    if ((this.held.get(stage) ?? -Infinity) > s.t)
      return this.finish(s.t, `settled: another ${workerNoun(this.config, stage)} does not pay: ${at}`);
    if (counts[stage]! >= MAX_WORKERS_PER_ROLE)
      return this.finish(s.t, `settled: ${b.name} have the most workers a stage may have: ${at}`);
    this.step = { stage, before: this.current! };
    counts[stage] = counts[stage]! + 1;
    this.settle(s.t);
    return { kind: 'add', stage };
  }
}

const sameCounts = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
