import { Box, Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import type { History } from './history.js';
import { KeyBar } from './KeyBar.js';
import { KEYS, type KeyHelp } from './keys.js';
import { LockLine } from './LockLine.js';
import { dashboardLayout, LABEL_WIDTH, lineWidths } from './layout.js';
import { QueueLine } from './QueueLine.js';
import { ShutdownLine } from './ShutdownLine.js';
import { ThroughputPanel } from './ThroughputPanel.js';
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
}

/**
 * The live view of one Snapshot: header, queue, throughput, lock, shutdown, workers, keys.
 * A pure render of its props — live runs and replays feed it the same way. It stays shorter
 * than `rows` and every line truncates at `columns`, so Ink can redraw it in place.
 */
export function Dashboard({
  snapshot: s,
  history,
  columns,
  rows,
  helpOpen = false,
  stopRequested = false,
  keys = KEYS,
}: DashboardProps) {
  const theme = useTheme();
  const layout = dashboardLayout({
    rows,
    workers: s.workers.length,
    help: helpOpen ? keys : undefined,
    hasError: s.error !== undefined,
  });
  const widths = lineWidths(columns, s.links[0]!.capacity, history.size);
  const spacer = layout.compact ? null : <Box height={1} />;
  return (
    <Box flexDirection="column">
      <Header snapshot={s} />
      {spacer}
      <QueueLine queue={s.links[0]!} depths={history.depth} widths={widths} />
      <ThroughputPanel snapshot={s} history={history} widths={widths} />
      <LockLine lock={s.lock} />
      <ShutdownLine shutdown={s.shutdown} state={s.state} />
      {s.error !== undefined && (
        <Text wrap="truncate-end" {...theme.error()}>
          {'Error'.padEnd(LABEL_WIDTH)}
          {s.error}
        </Text>
      )}
      {spacer}
      <WorkerTable workers={s.workers} lines={layout.workerLines} />
      {spacer}
      {helpOpen && <HelpPanel keys={keys} />}
      <KeyBar keys={keys} paused={s.state === 'paused'} stopRequested={stopRequested} />
    </Box>
  );
}
