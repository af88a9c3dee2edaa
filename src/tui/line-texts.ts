/**
 * The sentences of the dashboard's lines that plain output prints too (plain.ts): kept apart from
 * the Ink components that draw them, so plain and JSON runs never load Ink and React.
 */
import type { Bottleneck, BrokerReading, RunState, Snapshot } from '../pipeline/types.js';
import { count, duration } from './format.js';

/** The whole verdict as one sentence: "keep-odd — its input queue is full …; select it and press + …". */
export function bottleneckText(b: Bottleneck): string {
  return `${b.name} — ${b.evidence}${b.advice !== undefined ? `; ${b.advice}` : ''}`;
}

/** "stream jobs at redis://:***@10.0.0.5:6379, group pipeline-tui: 0 delivered twice, 2 remote workers". */
export function brokerText(
  b: Pick<BrokerReading, 'address' | 'stream' | 'group' | 'duplicates' | 'remoteWorkers'>,
): string {
  const remote = b.remoteWorkers === 0 ? '' : `, ${b.remoteWorkers} remote worker${b.remoteWorkers === 1 ? '' : 's'}`;
  return `stream ${b.stream} at ${b.address}, group ${b.group}: ${count(b.duplicates)} delivered twice${remote}`;
}

/** While these, the run waits for every worker to finish the item in hand. */
const DRAINING: ReadonlySet<RunState> = new Set(['draining', 'shutting-down']);
/** A worker that has held its item this long during the drain is named (shorter holds come and go). */
export const HOLDUP_MS = 1000;

/** The worker that holds the drain up, and how long it has held its item; undefined for none. */
export function holdup(s: Pick<Snapshot, 'state' | 'workers'>): { id: string; heldMs: number } | undefined {
  if (!DRAINING.has(s.state)) return undefined;
  let worst: { id: string; heldMs: number } | undefined;
  for (const w of s.workers)
    if (w.heldMs !== undefined && w.heldMs >= HOLDUP_MS && (!worst || w.heldMs > worst.heldMs))
      worst = { id: w.id, heldMs: w.heldMs };
  return worst;
}

/** "C2 has held its item 4.2s; the run ends as stalled after 10s with no item moving, or Ctrl-C aborts". */
export function holdupText(h: { id: string; heldMs: number }, stallMs: number): string {
  const ends = `the run ends as stalled after ${duration(stallMs)} with no item moving, or Ctrl-C aborts`;
  return `${h.id} has held its item ${duration(h.heldMs)}; ${ends}`;
}
