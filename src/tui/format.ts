/** Small number formatters shared by the dashboard and the plain output. */
import type { PipelineConfig } from '../pipeline/types.js';

/** 1234 → "1,234"; 1234567 → "1.23M". */
export function count(n: number): string {
  if (n >= 1e7) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return Math.round(n).toLocaleString('en-US');
}

/** Items per second, in the format of `count` ("1,164/s", "1.23M/s"), one decimal below 10. */
export function rate(n: number): string {
  return `${n < 10 ? n.toFixed(1) : count(n)}/s`;
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

/** The workload's parts, each a few words; the Header shows what fits of them. */
export interface WorkloadParts {
  /** "produce 5ms, consume 8ms (sleep ±20%)": the built-in work's kind next to the side(s) that do it. */
  work: string;
  /** The same without the kind. */
  bare: string;
  /** "1,000 items", "for 30s" or "until stopped". */
  bound: string;
  /** "≤50/s each", with --rate. */
  limit?: string;
}

export function workload(
  c: Pick<
    PipelineConfig,
    'items' | 'durationMs' | 'rate' | 'produceMs' | 'consumeMs' | 'jitter' | 'work' | 'producer' | 'consumer'
  >,
): WorkloadParts {
  const produce = c.producer !== undefined ? `producer ${base(c.producer)}` : `produce ${c.produceMs}ms`;
  const consume = c.consumer !== undefined ? `consumer ${base(c.consumer)}` : `consume ${c.consumeMs}ms`;
  // The kind and jitter of the built-in work: a user module has neither.
  const kind = ` (${c.work}${c.jitter > 0 ? ` ±${percent(c.jitter)}` : ''})`;
  const work =
    c.producer !== undefined && c.consumer !== undefined
      ? `${produce}, ${consume}`
      : c.consumer !== undefined
        ? `${produce}${kind}, ${consume}`
        : `${produce}, ${consume}${kind}`;
  const bound =
    c.items !== undefined
      ? `${count(c.items)} items`
      : c.durationMs !== undefined
        ? `for ${duration(c.durationMs)}`
        : 'until stopped';
  return {
    work,
    bare: `${produce}, ${consume}`,
    bound,
    ...(c.rate !== undefined ? { limit: `≤${c.rate}/s each` } : {}),
  };
}
