/**
 * How the dashboard spends the terminal's rows. Ink redraws in place only while its output is
 * shorter than the terminal; at full height it clears the screen (and the scrollback) on every
 * frame. So the live region is kept to `rows - 1` lines: the fixed lines first, then the chain
 * (stages and queues, chain-view.ts pickChain folds it), then as many worker rows as fit, the rest
 * folded into one "+N more" line.
 */
import type { WorkerRow, WorkerState } from '../pipeline/types.js';
import { type KeyHelp, LEGEND } from './keys.js';

/** Lines of the help panel: a title, one per key, the legend. */
export const helpPanelLines = (keys: readonly KeyHelp[]): number => 1 + keys.length + LEGEND.length;

export interface LayoutInput {
  rows: number;
  workers: number;
  /** Stages in the chain (producers and consumers included): 2 for a run of one queue. */
  stages: number;
  /** The help panel's keys when it is open. */
  help: readonly KeyHelp[] | undefined;
  hasError: boolean;
  hasPool: boolean;
  /** The "Waiting" line: a worker holds the drain up (HoldupLine). */
  hasHoldup?: boolean;
  /** Lines of the `--autoscale` decisions (AutoscaleLine), 0 without it. */
  autoscaleLines?: number;
}

export interface Layout {
  /** Drop the blank spacer lines (short terminal). */
  compact: boolean;
  /** Lines for the chain panel: every stage and queue, or fewer with folds (pickChain). */
  chainLines: number;
  /** Lines available to the worker table's body, including a "+N more" line; 0: only the "+N more" line. */
  workerLines: number;
  /** Whether the latency line is drawn (it gives its row to the workers in a very short terminal). */
  latency: boolean;
}

// Header, bottleneck, latency, lock, shutdown, table heading, key bar.
const FIXED = 7;
const SPACERS = 3;

/** Where the rows go for a terminal of `rows` lines. */
export function dashboardLayout(input: LayoutInput): Layout {
  const { rows, workers, stages, help, hasError, hasPool, hasHoldup } = input;
  const extra = [hasError, hasPool, hasHoldup].filter(Boolean).length + (input.autoscaleLines ?? 0);
  const fixed = FIXED + extra + (help ? helpPanelLines(help) : 0);
  const room = rows - 1 - fixed;
  const chain = 2 * stages - 1;
  const wanted = Math.min(workers, 6);
  if (room - SPACERS >= chain + wanted)
    return { compact: false, chainLines: chain, workerLines: room - SPACERS - chain, latency: true };
  // Short: no spacers; the chain yields lines to the workers down to its folded three.
  const least = Math.min(chain, 3);
  // Too short for even one worker row (the help open on 24 rows): the table and its heading go.
  // Too short for even one worker row (40×10, or the help open on 24 rows): the table shrinks to
  // its "+N more" line in the heading's row, and the latency line gives the chain its row.
  if (room - least < 1)
    return { compact: true, chainLines: Math.min(chain, Math.max(least, room + 1)), workerLines: 0, latency: false };
  const chainLines = Math.max(least, Math.min(chain, room - Math.min(workers, 3)));
  return { compact: true, chainLines, workerLines: Math.max(1, room - chainLines), latency: true };
}

export interface WorkerPick<W = WorkerRow> {
  /** Rows to draw, in their original order. */
  shown: W[];
  /** Rows folded into "+N more". */
  hidden: W[];
}

/** What pickWorkers looks at: a live row, or a Summary's worker entry. */
type Pickable = Pick<WorkerRow, 'stage' | 'state'>;

/**
 * Chooses which worker rows fit in `lines` lines. When not all fit, one line is kept for
 * "+N more" and the rest are shared between the stages in proportion to their workers (each
 * stage keeps at least one row when there is room), failed workers first.
 */
export function pickWorkers<W extends Pickable>(workers: readonly W[], lines: number): WorkerPick<W> {
  if (workers.length <= lines) return { shown: [...workers], hidden: [] };
  const slots = Math.max(0, lines - 1);
  // (Map.groupBy would do, but Node 20 lacks it.)
  const byStage = new Map<number, W[]>();
  for (const w of workers) byStage.set(w.stage, [...(byStage.get(w.stage) ?? []), w]);
  const groups = [...byStage.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
  const share = (g: readonly W[]): number => (slots * g.length) / workers.length;
  const quota = groups.map((g) => Math.floor(share(g)));
  if (slots >= groups.length) for (let i = 0; i < quota.length; i++) quota[i] = Math.max(1, quota[i]!);
  const sum = (): number => quota.reduce((a, b) => a + b, 0);
  // Too many after the minimum of one each: take from the largest; too few: give by the largest remainder.
  while (sum() > slots) {
    const i = quota.indexOf(Math.max(...quota));
    quota[i]!--;
  }
  while (sum() < slots) {
    let best = -1;
    for (let i = 0; i < groups.length; i++) {
      if (quota[i]! >= groups[i]!.length) continue;
      if (best < 0 || share(groups[i]!) - quota[i]! > share(groups[best]!) - quota[best]!) best = i;
    }
    if (best < 0) break;
    quota[best]!++;
  }
  const chosen = new Set(groups.flatMap((g, i) => firstByFailure(g, quota[i]!)));
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
