/**
 * How the dashboard spends the terminal's rows. Ink redraws in place only while its output is
 * shorter than the terminal; at full height it clears the screen (and the scrollback) on every
 * frame. So the live region is kept to `rows - 1` lines: the fixed panels first, then as many
 * worker rows as fit, the rest folded into one "+N more" line.
 */
import type { WorkerRow, WorkerState } from '../pipeline/types.js';
import { type KeyHelp, LEGEND } from './keys.js';

/** Lines of the help panel: a title, one per key, the legend. */
export const helpPanelLines = (keys: readonly KeyHelp[]): number => 1 + keys.length + LEGEND.length;

export interface LayoutInput {
  rows: number;
  workers: number;
  /** The help panel's keys when it is open. */
  help: readonly KeyHelp[] | undefined;
  hasError: boolean;
}

export interface Layout {
  /** Drop the blank spacer lines (short terminal). */
  compact: boolean;
  /** Lines available to the worker table's body, including a "+N more" line. */
  workerLines: number;
}

// Header, queue, produced, consumed, latency, lock, shutdown, table heading, key bar.
const FIXED = 9;
const SPACERS = 3;

/** Where the rows go for a terminal of `rows` lines. */
export function dashboardLayout({ rows, workers, help, hasError }: LayoutInput): Layout {
  const fixed = FIXED + (hasError ? 1 : 0) + (help ? helpPanelLines(help) : 0);
  const room = rows - 1 - fixed;
  const compact = room - SPACERS < Math.min(workers, 6);
  return { compact, workerLines: Math.max(1, compact ? room : room - SPACERS) };
}

export interface WorkerPick<W = WorkerRow> {
  /** Rows to draw, in their original order. */
  shown: W[];
  /** Rows folded into "+N more". */
  hidden: W[];
}

/** What pickWorkers looks at: a live row, or a Summary's worker entry. */
type Pickable = Pick<WorkerRow, 'role' | 'state'>;

/**
 * Chooses which worker rows fit in `lines` lines. When not all fit, one line is kept for
 * "+N more" and the rest are shared between producers and consumers in proportion (each role
 * keeps at least one row when there is room), failed workers first.
 */
export function pickWorkers<W extends Pickable>(workers: readonly W[], lines: number): WorkerPick<W> {
  if (workers.length <= lines) return { shown: [...workers], hidden: [] };
  const slots = Math.max(0, lines - 1);
  const producers = workers.filter((w) => w.role === 'producer');
  const consumers = workers.filter((w) => w.role === 'consumer');
  let p = Math.min(producers.length, Math.round((slots * producers.length) / workers.length));
  if (slots >= 2 && producers.length > 0 && p === 0) p = 1;
  if (slots >= 2 && consumers.length > 0 && p === slots) p = slots - 1;
  let c = Math.min(consumers.length, slots - p);
  p = Math.min(producers.length, slots - c);
  c = Math.min(consumers.length, slots - p);
  const chosen = new Set([...firstByFailure(producers, p), ...firstByFailure(consumers, c)]);
  return { shown: workers.filter((w) => chosen.has(w)), hidden: workers.filter((w) => !chosen.has(w)) };
}

function firstByFailure<W extends Pickable>(rows: readonly W[], n: number): W[] {
  return [...rows].sort((a, b) => Number(b.state === 'failed') - Number(a.state === 'failed')).slice(0, n);
}

const STATE_ORDER: readonly WorkerState[] = [
  'failed',
  'blocked-full',
  'blocked-empty',
  'producing',
  'consuming',
  'paused',
  'starting',
  'done',
];

/** "6 blocked-full, 4 producing, 2 done": how many hidden workers are in each state. */
export function stateCounts(rows: readonly WorkerRow[]): string {
  const counts = new Map<WorkerState, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  return STATE_ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

/** Width of the label column ("Queue", "Produced", the worker ids). */
export const LABEL_WIDTH = 10;

export interface LineWidths {
  /** The queue gauge's bar. */
  gauge: number;
  /** Text between the label and the sparklines, so the sparklines line up. */
  body: number;
  /** The sparklines (at most one cell per history bucket). */
  spark: number;
}

/** Column widths for a terminal `columns` wide, a queue of `capacity` and `buckets` of history. */
export function lineWidths(columns: number, capacity: number, buckets: number): LineWidths {
  const gauge = Math.min(24, Math.max(8, Math.floor((columns - LABEL_WIDTH) / 4)));
  const body = Math.max(30, gauge + 3 * String(capacity).length + 12);
  const spark = Math.min(buckets, Math.max(0, columns - LABEL_WIDTH - body));
  return { gauge, body, spark };
}

/** Column widths of the worker table (heading and rows). */
export const WORKER_COLUMNS = { id: LABEL_WIDTH, state: 15, items: 9, rate: 9, bar: 10 } as const;
