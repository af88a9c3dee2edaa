/** Plain-text result tables for the benchmark suite. */
import { cpus } from 'node:os';

export interface Row {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** e.g. "1.9× postMessage" — filled by the suite that knows the baseline. */
  note?: string;
  verified?: boolean;
  /** The issue's goal for this row, if it has one (see {@link Goal}). */
  goal?: Goal;
  /** For a row that is the median of several runs: the slowest and fastest run, shown beside it. */
  spread?: Spread;
}

/** The range of a row's runs: `value` is their median. */
export interface Spread {
  min: number;
  max: number;
  runs: number;
}

/**
 * A goal from the performance issue: `value` is met when `at least` (throughput, ratios) or
 * `at most` (latency, ns) the row's own value, or — with `of` — the ratio of the row's value to
 * another measured value (e.g. ≥ 10× Python's rate).
 */
export interface Goal {
  text: string;
  /** The number the row (or the ratio) is held against. */
  target: number;
  better: 'higher' | 'lower';
  /** When given, the row is compared as value / of (a ratio to a baseline measured in the run). */
  of?: number;
}

/** "0.79× goal" style: how far the row is from its goal (≥ 1 means met), or '' without a goal. */
export function goalCell(row: Row): string {
  const g = row.goal;
  if (!g || !Number.isFinite(row.value) || (g.of !== undefined && !(g.of > 0))) return g ? 'n/a' : '';
  const measured = g.of === undefined ? row.value : row.value / g.of;
  const ratio = g.better === 'higher' ? measured / g.target : g.target / measured;
  return `${ratio >= 1 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`;
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  return `${cpu} · ${cpus().length} cores · Node ${process.version} · ${when} UTC`;
}

export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return '–';
  if (unit === 'items/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M/s`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k/s`;
    return `${value.toFixed(0)} /s`;
  }
  if (unit === 'ns') return `${value.toFixed(1)} ns`;
  if (unit === 'µs') return `${value.toFixed(1)} µs`;
  if (unit === 'ms') return `${value.toFixed(value >= 100 ? 0 : 2)} ms`;
  if (unit === '%') return `${value.toFixed(1)} %`;
  if (unit === '×') return `${value.toFixed(2)}×`;
  return `${value.toFixed(3)} ${unit}`;
}

export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.group,
    r.name,
    r.spread
      ? `${formatValue(r.value, r.unit)} (${spreadText(r.spread, r.value, r.unit)})`
      : formatValue(r.value, r.unit),
    r.verified === undefined ? '' : r.verified ? 'yes' : 'NO',
    r.note ?? '',
    r.goal?.text ?? '',
    goalCell(r),
  ]);
  const header = ['group', 'benchmark', 'result', 'exactly-once', 'vs baseline', 'goal', 'vs goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    `| ${c.map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

/**
 * "3.70–8.01 of 9": the slowest and fastest run, without their unit when the median beside them
 * has the same one ("330.0 k/s–1.20 M/s of 9" when they differ).
 */
function spreadText({ min, max, runs }: Spread, median: number, unit: string): string {
  const suffix = (text: string): string => text.replace(/^[-\d.]+/, '');
  const [lo, hi, mid] = [min, max, median].map((x) => formatValue(x, unit));
  const same = suffix(lo!) === suffix(mid!) && suffix(hi!) === suffix(mid!);
  const bare = (text: string): string => (same ? text.slice(0, text.length - suffix(text).length) : text);
  return `${bare(lo!)}–${bare(hi!)} of ${runs}`;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
