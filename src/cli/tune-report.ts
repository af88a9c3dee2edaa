/**
 * A `tune` report as text: the table of trials, a chart of throughput against workers (with the
 * USL fit drawn over it), where the curve flattens, and the command line to use.
 */
import { DEFAULTS, FLAGS } from '../pipeline/config.js';
import type { Trial, TuneReport } from '../pipeline/tune.js';
import { frontier } from '../pipeline/tune.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { usl } from '../pipeline/usl.js';
import { countFlags } from '../pipeline/worker-counts.js';
import { duration, latency } from '../tui/format.js';

/** Width of the chart's longest bar, in cells. */
const BAR = 40;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

const whole = (n: number): string => Math.round(n).toLocaleString('en-US');
const share = (x: number): string => `${Math.round(x * 100)}%`;
const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** A trial's counts as flags. */
export function trialFlags(config: PipelineConfig, t: Pick<Trial, 'workers' | 'pool'>): string {
  return countFlags(config, t.workers) + (t.pool !== undefined ? ` --pool ${t.pool}` : '');
}

/** One trial as it ends: "trial 3: -p 1 -c 4  371/s ±5  p99 276ms  CPU 9%  bottleneck consumers". */
export function trialLine(config: PipelineConfig, t: Trial, n: number): string {
  const measured =
    t.endedBy === 'stopped'
      ? `${whole(t.itemsPerSecond)}/s ±${whole(t.noise)}  p99 ${latency(t.latencyMs.p99)}  CPU ${share(t.cpu)}` +
        (t.bottleneck !== undefined ? `  bottleneck ${t.bottleneck}` : '')
      : `${t.endedBy}: ${t.error ?? ''}`;
  return `trial ${n}: ${trialFlags(config, t)}  ${measured}`;
}

/** The table of trials, one row each, in the order they ran. */
function table(config: PipelineConfig, trials: readonly Trial[]): string[] {
  const rows = trials.map((t, i) => [
    String(i + 1),
    trialFlags(config, t),
    t.endedBy === 'stopped' ? whole(t.itemsPerSecond) : t.endedBy,
    t.endedBy === 'stopped' ? `±${whole(t.noise)}` : '',
    latency(t.latencyMs.p50),
    latency(t.latencyMs.p99),
    share(t.cpu),
    t.bottleneck ?? '',
  ]);
  const head = ['#', 'workers', 'items/s', 'noise', 'p50', 'p99', 'CPU', 'bottleneck'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const left = new Set([1, 7]);
  const line = (r: string[]) =>
    `  ${r.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}

/** A bar of `value` on a scale where `top` is BAR cells wide, drawn in eighths of a cell. */
function bar(value: number, top: number): string {
  const eighths = Math.round((Math.max(0, value) / top) * BAR * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/** The chart: the best rate at each total of workers, the fit's value marked with ┊, the recommended with ◀. */
function chart(report: TuneReport): string[] {
  const points = frontier(report.trials);
  const fit = report.fit;
  const top = Math.max(...points.map((p) => Math.max(p.rate, fit !== undefined ? usl(fit, p.workers) : 0)), 1);
  const chosen = report.recommended.workers.reduce((a, b) => a + b, 0);
  const width = String(Math.max(...points.map((p) => p.workers))).length;
  const lines = points.map((p) => {
    const cells = [...bar(p.rate, top).padEnd(BAR + 1)];
    if (fit !== undefined) {
      const at = Math.min(BAR, Math.round((usl(fit, p.workers) / top) * BAR));
      cells[at] = cells[at] === ' ' ? '┊' : cells[at]!;
    }
    const mark = p.workers === chosen ? '  ◀ recommended' : '';
    return `  ${String(p.workers).padStart(width)} │${cells.join('')} ${whole(p.rate)}/s${mark}`;
  });
  return [`  ${' '.repeat(width)} ┌ items/s against workers in all (the best trial at each)`, ...lines];
}

/** What the fit says: its parameters and where the curve flattens. */
function fitLines(report: TuneReport): string[] {
  const fit = report.fit;
  if (fit === undefined) return ['Fit: too few totals of workers were tried to fit a curve (three are needed).'];
  const peak = Number.isFinite(fit.peakWorkers)
    ? `it peaks at ${fit.peakWorkers.toFixed(1)} workers (${whole(fit.ceiling)}/s)`
    : Number.isFinite(fit.ceiling)
      ? `it levels off towards ${whole(fit.ceiling)}/s`
      : 'it has not begun to flatten';
  const knee = Number.isFinite(fit.knee) ? ` and flattens (95 % of that) from ${fit.knee} workers` : '';
  return [
    'Fit (Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1))):',
    `  λ ${whole(fit.lambda)}/s a worker, σ ${fit.sigma.toFixed(3)} (contention), κ ${fit.kappa.toPrecision(2)} ` +
      `(coherency), off by ${whole(fit.rmse)}/s on average;`,
    `  ${peak}${knee}.`,
  ];
}

/** The run flags of `config` that differ from the defaults and do not count workers, to lead the command. */
export function workloadFlags(config: PipelineConfig): string[] {
  const keys: Array<keyof PipelineConfig> = [
    'capacity',
    'rate',
    'produceMs',
    'consumeMs',
    'jitter',
    'work',
    'producer',
    'consumer',
    'shutdown',
    'seed',
  ];
  return keys
    .filter((k) => config[k] !== undefined && config[k] !== DEFAULTS[k])
    .map((k) => `${FLAGS[k]} ${config[k]}`);
}

/** The whole report. */
export function formatTuneReport(config: PipelineConfig, report: TuneReport): string {
  const { best, recommended } = report;
  const ending: Record<TuneReport['ended'], string> = {
    converged: 'no step paid any more',
    budget: 'the budget was spent',
    aborted: 'stopped on request',
    failed: 'a trial failed',
  };
  const fewer = best.workers.reduce((a, b) => a + b, 0) - recommended.workers.reduce((a, b) => a + b, 0);
  const versus =
    recommended === best
      ? 'the best trial'
      : `${share(recommended.itemsPerSecond / best.itemsPerSecond)} of the best trial ` +
        `(${whole(best.itemsPerSecond)}/s with ${trialFlags(config, best)})` +
        (fewer > 0 ? `, with ${fewer} worker${fewer === 1 ? '' : 's'} fewer` : '');
  return [
    `Tuned in ${duration(report.elapsedMs)}: ${report.trials.length} trials, ended because ${ending[report.ended]}.`,
    '',
    ...table(config, report.trials),
    `Noise between trials: ±${percent(report.betweenNoise)} of a rate (how far the windows' halves disagreed).`,
    '',
    ...chart(report),
    '',
    ...fitLines(report),
    `Recommended: ${report.flags}: ${whole(recommended.itemsPerSecond)}/s, ${versus}.`,
    `  pipeline-tui ${[...workloadFlags(config), report.flags].join(' ')}`,
  ].join('\n');
}
