/**
 * The sinks for when there is no terminal to draw on: a progress line about once a second, a
 * readable summary at the end of every run, and the Summary as JSON (`--json`).
 */
import type { Snapshot, Summary } from '../pipeline/types.js';
import { count, duration, latency, percent, rate } from './format.js';

/** One progress line: "[3.2s] running  queue 12/16  produced 1,204 (380/s)  consumed ...". */
export function formatProgressLine(s: Snapshot): string {
  const blocked = s.workers.filter((w) => w.state === 'blocked-full' || w.state === 'blocked-empty').length;
  return [
    `[${duration(s.t)}]`,
    s.state,
    `queue ${s.queue.depth}/${s.queue.capacity}`,
    `produced ${count(s.totals.produced)} (${rate(s.rates.produced)})`,
    `consumed ${count(s.totals.consumed)} (${rate(s.rates.consumed)})`,
    `p50 ${latency(s.latencyMs.p50)}`,
    `blocked ${blocked}/${s.workers.length}`,
  ].join('  ');
}

const ENDINGS: Record<Summary['endedBy'], string> = {
  completed: 'completed',
  stopped: 'stopped on request',
  aborted: 'aborted',
  failed: 'FAILED',
  stalled: 'STALLED',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The end-of-run summary, a few readable lines. */
export function formatSummary(s: Summary): string {
  const lines = [
    `Run ${ENDINGS[s.endedBy]} in ${duration(s.durationMs)}: produced ${count(s.produced)}, consumed ${count(s.consumed)} (${rate(s.itemsPerSecond)}).`,
    `Latency (put to get): p50 ${latency(s.latencyMs.p50)}, p95 ${latency(s.latencyMs.p95)}, p99 ${latency(s.latencyMs.p99)}.`,
    s.shutdown.mode === 'sentinel'
      ? `Shutdown: ${plural(s.shutdown.sentinelsSent, 'sentinel')} sent, ${plural(s.shutdown.consumersExited, 'consumer')} exited${s.shutdown.ms !== undefined ? ` in ${duration(s.shutdown.ms)}` : ''}.`
      : `Shutdown: queue closed, ${plural(s.shutdown.consumersExited, 'consumer')} drained and exited${s.shutdown.ms !== undefined ? ` in ${duration(s.shutdown.ms)}` : ''}.`,
    'Workers: ' + s.workers.map((w) => `${w.id} ${count(w.items)}${w.blockedMs > 0 ? ` (blocked ${duration(w.blockedMs)})` : ''}${w.state === 'failed' ? ' FAILED' : ''}`).join(', '),
  ];
  if (s.error) lines.push(`Error: ${s.error}`);
  return lines.join('\n');
}

/** The Summary as JSON, fields in the documented order. */
export function summaryJson(s: Summary): string {
  const ordered: Summary = {
    produced: s.produced,
    consumed: s.consumed,
    durationMs: s.durationMs,
    itemsPerSecond: s.itemsPerSecond,
    latencyMs: s.latencyMs,
    shutdown: s.shutdown,
    workers: s.workers,
    endedBy: s.endedBy,
    ...(s.error !== undefined ? { error: s.error } : {}),
  };
  return JSON.stringify(ordered, null, 2);
}

export { percent };
