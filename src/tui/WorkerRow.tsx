import { Text } from 'ink';
import type { WorkerRow as Row } from '../pipeline/types.js';
import { Bar } from './Bar.js';
import { WORKER_COLUMNS } from './dashboard-layout.js';
import { count, percent, rate } from './format.js';
import { useTheme } from './use-theme.js';

export interface WorkerRowProps {
  worker: Row;
  /** Width of the id column (the table's, for ids longer than the usual ones). */
  idWidth?: number;
}

/**
 * One worker: id, coloured state, items, rate, and a small bar of the share of time it spent
 * blocked on the queue; a failed worker's error follows in red.
 */
export function WorkerRow({ worker: w, idWidth = WORKER_COLUMNS.id }: WorkerRowProps) {
  const theme = useTheme();
  const col = WORKER_COLUMNS;
  const id = `  ${w.id}`;
  return (
    <Text wrap="truncate-end">
      {id.length < idWidth ? id.padEnd(idWidth) : `${id.slice(0, idWidth - 2)}… `}
      <Text {...theme.workerState(w.state)}>{w.state.padEnd(col.state)}</Text>
      {count(w.items).padStart(col.items)}
      {rate(w.rate).padStart(col.rate)}
      {'  '}
      <Bar fraction={w.blockedFraction} width={col.bar} tone="blocked" />
      {percent(w.blockedFraction).padStart(5)}
      {w.error !== undefined && <Text {...theme.error()}>{`  ${w.error}`}</Text>}
    </Text>
  );
}
