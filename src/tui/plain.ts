/**
 * The sinks for when there is no terminal to draw on: a progress line about once a second, a
 * readable summary at the end of every run, and the Summary as JSON (`--json`).
 */
import type { Snapshot, Summary } from '../pipeline/types.js';
import { count, duration, latency, percent, rate } from './format.js';
import { pickWorkers } from './layout.js';

/** One progress line: "[3.2s] running  queue 12/16  produced 1,204 (380/s)  consumed ...". */
export function formatProgressLine(s: Snapshot): string {
  const blocked = s.workers.filter((w) => w.state === 'blocked-full' || w.state === 'blocked-empty').length;
  return [
    `[${duration(s.t)}]`,
    s.state,
    `queue ${s.links[0]!.depth}/${s.links[0]!.capacity}`,
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
  const { latencyMs: l, shutdown: sd } = s;
  const exited = plural(sd.consumersExited, 'consumer');
  const took = sd.ms !== undefined ? ` in ${duration(sd.ms)}` : '';
  const lines = [
    `Run ${ENDINGS[s.endedBy]} in ${duration(s.durationMs)}: ` +
      `produced ${count(s.produced)}, consumed ${count(s.consumed)} (${rate(s.itemsPerSecond)}).`,
    `Latency (put to get): p50 ${latency(l.p50)}, p95 ${latency(l.p95)}, p99 ${latency(l.p99)}.`,
    sd.mode === 'sentinel'
      ? `Shutdown: ${plural(sd.sentinelsSent, 'sentinel')} sent, ${exited} exited${took}.`
      : `Shutdown: queue closed, ${exited} drained and exited${took}.`,
    workersLine(s.workers),
  ];
  if (s.error) lines.push(`Error: ${s.error}`);
  return lines.join('\n');
}

/** Workers the plain `Workers:` line lists before the rest fold into "+N more", as the dashboard's table does. */
export const PLAIN_WORKERS_SHOWN = 12;

const workerEntry = (w: Summary['workers'][number]): string =>
  `${w.id} ${count(w.items)}${w.blockedMs > 0 ? ` (blocked ${duration(w.blockedMs)})` : ''}` +
  (w.state === 'failed' ? ' FAILED' : '');

/**
 * "Workers: P1 84 (blocked 2.7s), …": every worker for a small run; for a large one the failed
 * workers first, then the first ones of each role in proportion (the dashboard's pickWorkers), and
 * "+N more" for the rest.
 */
function workersLine(workers: Summary['workers']): string {
  const { shown, hidden } = pickWorkers(workers, PLAIN_WORKERS_SHOWN + 1);
  const entries = shown.map(workerEntry);
  if (hidden.length > 0) entries.push(`+${hidden.length} more`);
  return `Workers: ${entries.join(', ')}`;
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
    stages: s.stages,
    links: s.links,
    ...(s.pool !== undefined ? { pool: s.pool } : {}),
    ...(s.bottleneck !== undefined ? { bottleneck: s.bottleneck } : {}),
    workers: s.workers,
    endedBy: s.endedBy,
    ...(s.error !== undefined ? { error: s.error } : {}),
  };
  return JSON.stringify(ordered, null, 2);
}

export { percent };
