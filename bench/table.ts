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
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu} · ${cpus().length} cores · Node ${process.version} · ${new Date().toISOString().slice(0, 10)}`;
}

export function formatValue(value: number, unit: string): string {
  if (unit === 'items/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M/s`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k/s`;
    return `${value.toFixed(0)} /s`;
  }
  if (unit === 'ns') return `${value.toFixed(1)} ns`;
  if (unit === 'µs') return `${value.toFixed(1)} µs`;
  return `${value.toFixed(3)} ${unit}`;
}

export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.group, r.name, formatValue(r.value, r.unit), r.verified === undefined ? '' : r.verified ? 'yes' : 'NO', r.note ?? '']);
  const header = ['group', 'benchmark', 'result', 'exactly-once', 'vs baseline'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => '| ' + c.map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w, i) => (i === 2 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|', ...cells.map(line)].join('\n');
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
