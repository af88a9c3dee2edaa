import { Box, Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { AutoscaleLine, autoscaleLines } from './AutoscaleLine.js';
import { BottleneckLine } from './BottleneckLine.js';
import { BrokerLine } from './BrokerLine.js';
import { ChainPanel } from './ChainPanel.js';
import { dashboardLayout, LABEL_WIDTH, lineWidths } from './dashboard-layout.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import { HoldupLine } from './HoldupLine.js';
import type { History } from './history.js';
import { KeyBar } from './KeyBar.js';
import { KEYS, type KeyHelp } from './keys.js';
import { LatencyLine } from './LatencyLine.js';
import { LockLine } from './LockLine.js';
import { holdup } from './line-texts.js';
import { PoolLine } from './PoolLine.js';
import { ShutdownLine } from './ShutdownLine.js';
import { useTheme } from './use-theme.js';
import { WorkerTable } from './WorkerTable.js';

export interface DashboardProps {
  snapshot: Snapshot;
  /** Sparkline history folded from the snapshots so far (history.ts). */
  history: History;
  columns: number;
  rows: number;
  helpOpen?: boolean;
  stopRequested?: boolean;
  /** The keys the key bar and help panel show (default: a live run's). */
  keys?: readonly KeyHelp[];
  /** The stage + and - act on, highlighted (undefined: no selection, as in a replay). */
  selected?: number | undefined;
}

/**
 * The live view of one Snapshot: header; the chain (producers, each queue and stage, consumers),
 * the pool, the bottleneck; latency, lock (or the broker), shutdown (and who holds it up); workers;
 * keys. A pure render of its props —
 * live runs and replays feed it the same way. It stays shorter than `rows` and every line
 * truncates at `columns`, so Ink can redraw it in place.
 */
export function Dashboard({
  snapshot: s,
  history,
  columns,
  rows,
  helpOpen = false,
  stopRequested = false,
  keys = KEYS,
  selected,
}: DashboardProps) {
  const theme = useTheme();
  const layout = dashboardLayout({
    rows,
    workers: s.workers.length,
    stages: s.stages.length,
    help: helpOpen ? keys : undefined,
    hasError: s.error !== undefined,
    hasHoldup: holdup(s) !== undefined,
    hasPool: s.pool !== undefined,
    autoscaleLines: autoscaleLines(s.autoscale),
  });
  const capacity = Math.max(0, ...s.links.map((l) => l.capacity));
  const widths = lineWidths(columns, capacity, history.size);
  const spacer = layout.compact ? null : <Box height={1} />;
  return (
    <Box flexDirection="column">
      <Header snapshot={s} columns={columns} />
      {spacer}
      <ChainPanel
        snapshot={s}
        history={history}
        widths={widths}
        columns={columns}
        lines={layout.chainLines}
        selected={selected}
      />
      {s.pool !== undefined && <PoolLine pool={s.pool} />}
      <BottleneckLine bottleneck={s.bottleneck} none={s.noBottleneck} columns={columns} />
      {s.autoscale !== undefined && <AutoscaleLine autoscale={s.autoscale} />}
      {layout.latency && <LatencyLine latencyMs={s.latencyMs} />}
      {s.broker !== undefined ? <BrokerLine broker={s.broker} /> : <LockLine lock={s.lock} />}
      <ShutdownLine snapshot={s} columns={columns} />
      <HoldupLine snapshot={s} />
      {s.error !== undefined && (
        <Text wrap="truncate-end" {...theme.error()}>
          {'Error'.padEnd(LABEL_WIDTH)}
          {s.error}
        </Text>
      )}
      {spacer}
      {s.workers.length > 0 && <WorkerTable workers={s.workers} stages={s.stages} lines={layout.workerLines} />}
      {spacer}
      {helpOpen && <HelpPanel keys={keys} />}
      <KeyBar
        keys={keys}
        paused={s.state === 'paused'}
        stopRequested={stopRequested}
        selected={selected !== undefined ? s.stages[selected]?.name : undefined}
        notice={s.notice}
      />
    </Box>
  );
}
