import { Box, Text } from 'ink';
import type { WorkerRow as Row } from '../pipeline/types.js';
import { WORKER_COLUMNS as col, pickWorkers, stateCounts } from './layout.js';
import { useTheme } from './use-theme.js';
import { WorkerRow } from './WorkerRow.js';

export interface WorkerTableProps {
  workers: readonly Row[];
  /** Lines for the rows (the heading is extra); workers that do not fit fold into "+N more". */
  lines: number;
}

/**
 * The per-worker table: a heading, one row per producer and consumer that fits, and
 * "+N more: 6 blocked-full, 4 producing" for the rest, so a glance still tells who waits on whom.
 */
export function WorkerTable({ workers, lines }: WorkerTableProps) {
  const theme = useTheme();
  // Producers above consumers, each by number, however the run added them (+ and > append).
  const ordered = [...workers].sort(
    (a, b) => Number(a.role === 'consumer') - Number(b.role === 'consumer') || a.index - b.index,
  );
  const { shown, hidden } = pickWorkers(ordered, lines);
  const heading =
    'Workers'.padEnd(col.id) +
    'state'.padEnd(col.state) +
    'items'.padStart(col.items) +
    'rate'.padStart(col.rate) +
    '  ' +
    'blocked'.padEnd(col.bar + 5);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" {...theme.label()}>
        {heading}
      </Text>
      {shown.map((w) => (
        <WorkerRow key={w.id} worker={w} />
      ))}
      {hidden.length > 0 && (
        <Text wrap="truncate-end" {...theme.muted()}>
          {`  +${hidden.length} more: ${stateCounts(hidden)}`}
        </Text>
      )}
    </Box>
  );
}
