/** Small number formatters shared by the dashboard and the plain output. */
import type { PipelineConfig } from '../pipeline/types.js';

/** 1234 → "1,234"; 1234567 → "1.23M". */
export function count(n: number): string {
  if (n >= 1e7) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return Math.round(n).toLocaleString('en-US');
}

/** Items per second, compact. */
export function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M/s`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k/s`;
  return `${n.toFixed(n < 10 ? 1 : 0)}/s`;
}

/** Milliseconds as "850ms", "12.3s", "2m05s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Latency in ms with sensible precision ("0.042ms", "3.1ms", "120ms"). */
export function latency(ms: number): string {
  if (ms < 0.1) return `${ms.toFixed(3)}ms`;
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  return `${Math.round(ms)}ms`;
}

/** 0.234 → "23%". */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

const base = (path: string): string => path.split(/[\\/]/).pop() || path;

/** The workload in a few words: "produce 5ms, consume 8ms (sleep ±20%) · 1,000 items · ≤50/s each". */
export function workload(
  c: Pick<
    PipelineConfig,
    'items' | 'durationMs' | 'rate' | 'produceMs' | 'consumeMs' | 'jitter' | 'work' | 'producer' | 'consumer'
  >,
): string {
  const work = [
    c.producer !== undefined ? `producer ${base(c.producer)}` : `produce ${c.produceMs}ms`,
    c.consumer !== undefined ? `consume ${base(c.consumer)}` : `consume ${c.consumeMs}ms`,
  ].join(', ');
  const kind =
    c.producer !== undefined && c.consumer !== undefined
      ? ''
      : ` (${c.work}${c.jitter > 0 ? ` ±${percent(c.jitter)}` : ''})`;
  const parts = [work + kind];
  parts.push(
    c.items !== undefined
      ? `${count(c.items)} items`
      : c.durationMs !== undefined
        ? `for ${duration(c.durationMs)}`
        : 'until stopped',
  );
  if (c.rate !== undefined) parts.push(`≤${c.rate}/s each`);
  return parts.join(' · ');
}
