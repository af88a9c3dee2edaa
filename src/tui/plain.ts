/**
 * The sinks for when there is no terminal to draw on: a progress line about once a second, a
 * readable summary at the end of every run, and the Summary as JSON (`--json`).
 */
import type { Snapshot, Summary } from '../pipeline/types.js';
import { autoscaleSummaryLines } from './autoscale-text.js';
import { pickWorkers } from './dashboard-layout.js';
import { count, duration, latency, percent, rate } from './format.js';
import { bottleneckText, brokerText, holdup } from './line-texts.js';
import { type CascadeReading, steps } from './shutdown-steps.js';
import { userFrames } from './user-frames.js';

/** A worker counts as blocked on a progress line when it spent this share of the last second blocked. */
export const BLOCKED_SHARE = 0.5;

/** Stages between the producers and the consumers that plain lines list before folding the rest into "+N more". */
export const PLAIN_STAGES_SHOWN = 4;

/** The first `shown` entries, then "+N more" for the rest. */
function folded(entries: readonly string[], shown: number): string[] {
  return entries.length <= shown + 1 ? [...entries] : [...entries.slice(0, shown), `+${entries.length - shown} more`];
}

/**
 * One progress line: "[3.2s] running  queue 12/16  produced 1,204 (380/s)  consumed …  p50 …
 * blocked 2/4" (workers blocked at least half of the last second), with each stage in between
 * ("keep-odd 1,100→1,000 (90 dropped, 95/s)") and each queue ("queues 12/16 3/16") in a chain,
 * then the pool and the bottleneck when there are any.
 */
export function formatProgressLine(s: Snapshot): string {
  // Over the sampler's window, not at the instant of the sample: a worker that flips between its
  // work and a full queue is seldom caught blocked at one instant, though it waits most of the time.
  const blocked = s.workers.filter((w) => w.blockedFraction >= BLOCKED_SHARE).length;
  const middle = s.stages
    .slice(1, -1)
    .map(
      (st) =>
        `${st.name} ${count(st.in)}→${count(st.out)} (${st.dropped > 0 ? `${count(st.dropped)} dropped, ` : ''}` +
        `${rate(st.rate)})`,
    );
  const queues = s.links.map((l) => `${l.depth}/${l.capacity}`);
  const parts = [
    `[${duration(s.t)}]`,
    s.state,
    `${queues.length === 1 ? 'queue' : 'queues'} ${folded(queues, PLAIN_STAGES_SHOWN + 1).join(' ')}`,
    `produced ${count(s.totals.produced)} (${rate(s.rates.produced)})`,
    ...folded(middle, PLAIN_STAGES_SHOWN),
    `consumed ${count(s.totals.consumed)} (${rate(s.rates.consumed)})`,
    `p50 ${latency(s.latencyMs.p50)}`,
    `blocked ${blocked}/${s.workers.length}`,
  ];
  if (s.pool !== undefined) parts.push(`pool ${s.pool.inUse}/${s.pool.size} (${s.pool.waiting} waiting)`);
  if (s.bottleneck !== undefined) parts.push(`bottleneck ${s.bottleneck.name}`);
  else if (s.noBottleneck !== undefined) parts.push(`bottleneck none: ${s.noBottleneck}`);
  if (s.broker?.lost !== undefined) parts.push(s.broker.lost);
  const h = holdup(s);
  if (h !== undefined) parts.push(`waiting for ${h.id} (held its item ${duration(h.heldMs)})`);
  return parts.join('  ');
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
  const cascade = (s.stages ?? []).length > 2 ? cascadeOf(s) : undefined;
  const lines = [
    `Run ${ENDINGS[s.endedBy]} in ${duration(s.durationMs)}: ` +
      `produced ${count(s.produced)}, consumed ${count(s.consumed)} (${rate(s.itemsPerSecond)}).`,
    `Latency (put to get): p50 ${latency(l.p50)}, p95 ${latency(l.p95)}, p99 ${latency(l.p99)}.`,
    cascade !== undefined
      ? `Shutdown: ${steps(cascade)
          .map((step) => step.text)
          .join(' → ')}${took}.`
      : sd.mode === 'sentinel'
        ? `Shutdown: ${plural(sd.sentinelsSent, 'sentinel')} sent, ${exited} exited${took}.`
        : `Shutdown: queue closed, ${exited} drained and exited${took}.`,
  ];
  const stages = s.stages ?? [];
  if (stages.length > 2) lines.push(stagesLine(stages));
  if (s.pool !== undefined) lines.push(poolLine(s.pool));
  if (s.bottleneck !== undefined) lines.push(`Bottleneck: ${bottleneckText(s.bottleneck)}.`);
  else if (s.noBottleneck !== undefined) lines.push(`Bottleneck: none — ${s.noBottleneck}.`);
  if (s.broker !== undefined) lines.push(`Broker: ${brokerText(s.broker)}.`);
  lines.push(workersLine(s.workers));
  if (s.error) lines.push(`Error: ${s.error}`, ...userFrames(s.stack).map((frame) => `  ${frame}`));
  // Last: the counts --autoscale settled on, as flags to paste.
  if (s.autoscale !== undefined) lines.push(...autoscaleSummaryLines(s.autoscale));
  return lines.join('\n');
}

/**
 * A chain's shutdown as the dashboard followed it, link by link, from a Summary; undefined for a
 * log too old to carry the figures (its summary says what the one-link line says).
 */
function cascadeOf(s: Summary): CascadeReading | undefined {
  const { producersDone, producers, consumers } = s.shutdown;
  if (producersDone === undefined || producers === undefined || consumers === undefined) return undefined;
  if (s.links.some((l) => l.sentinelsSent === undefined)) return undefined;
  const running = (stage: number): number =>
    s.workers.filter((w) => w.stage === stage && w.state !== 'done' && w.state !== 'failed').length;
  return {
    shutdown: { ...s.shutdown, producersDone, producers, consumers },
    state: 'done',
    stages: s.stages.map((st, i) => ({ name: st.name, workers: st.workers, running: running(i) })),
    links: s.links.map((l) => ({ sentinelsSent: l.sentinelsSent ?? 0, closed: l.closed ?? false })),
  };
}

/** "Stages: producers out 1,000 → keep-odd in 1,000 out 500 dropped 500 → consumers in 500". */
function stagesLine(stages: Summary['stages']): string {
  const last = stages.length - 1;
  const entry = (st: Summary['stages'][number], i: number): string =>
    i === 0
      ? `${st.name} out ${count(st.out)}`
      : i === last
        ? `${st.name} in ${count(st.in)}`
        : `${st.name} in ${count(st.in)} out ${count(st.out)}${st.dropped > 0 ? ` dropped ${count(st.dropped)}` : ''}`;
  const middle = folded(
    stages.slice(1, last).map((st, i) => entry(st, i + 1)),
    PLAIN_STAGES_SHOWN,
  );
  return `Stages: ${[entry(stages[0]!, 0), ...middle, entry(stages[last]!, last)].join(' → ')}.`;
}

/** "Pool: 2 permits, at most 2 in use; 340 of 1,000 acquisitions waited, 2.1s in all." */
function poolLine(p: NonNullable<Summary['pool']>): string {
  return (
    `Pool: ${plural(p.size, 'permit')}, at most ${p.maxInUse} in use; ` +
    `${count(p.waits)} of ${count(p.acquisitions)} acquisitions waited, ${duration(p.waitedMs)} in all.`
  );
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
    ...(s.noBottleneck !== undefined ? { noBottleneck: s.noBottleneck } : {}),
    ...(s.broker !== undefined ? { broker: s.broker } : {}),
    ...(s.autoscale !== undefined ? { autoscale: s.autoscale } : {}),
    workers: s.workers,
    endedBy: s.endedBy,
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.stack !== undefined ? { stack: s.stack } : {}),
  };
  return JSON.stringify(ordered, null, 2);
}

export { percent };
