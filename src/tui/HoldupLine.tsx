import { Text } from 'ink';
import type { RunState, Snapshot } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { duration } from './format.js';
import { useTheme } from './use-theme.js';

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

/** "Waiting   C2 has held its item 4.2s; …": who the drain waits for, while it does (see holdup). */
export function HoldupLine({ snapshot: s }: { snapshot: Snapshot }) {
  const theme = useTheme();
  const h = holdup(s);
  if (h === undefined) return null;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Waiting'.padEnd(LABEL_WIDTH)}</Text>
      <Text {...theme.bottleneck()}>{h.id}</Text>
      {holdupText(h, s.config.stallMs).slice(h.id.length)}
    </Text>
  );
}
