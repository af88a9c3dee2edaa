import { Box, Text } from 'ink';
import { Fragment } from 'react';
import type { WorkerRow as Row, StageRow } from '../pipeline/types.js';
import { WORKER_COLUMNS as col, pickWorkers, stateCounts } from './dashboard-layout.js';
import { useTheme } from './use-theme.js';

/** The widest the id column grows; a longer id is cut short with an ellipsis. */
const MAX_ID_WIDTH = 28;

import { WorkerRow } from './WorkerRow.js';

export interface WorkerTableProps {
  workers: readonly Row[];
  /** The chain's stages: in a run with stages between producers and consumers, rows are grouped under their names. */
  stages: readonly Pick<StageRow, 'name'>[];
  /**
   * Lines for the rows (the heading is extra); workers that do not fit fold into "+N more"
   * (0: all of them, on the heading's line).
   */
  lines: number;
}

/**
 * The per-worker table: a heading, one row per worker that fits — producers, each stage's
 * workers (S1.1, S1.2, … under the stage's name), consumers — and "+N more: 6 blocked-full,
 * 4 producing" for the rest, so a glance still tells who waits on whom.
 */
export function WorkerTable({ workers, stages, lines }: WorkerTableProps) {
  const theme = useTheme();
  // No room for rows: one line in the heading's place, so the workers never vanish unmentioned.
  if (lines === 0)
    return (
      <Text wrap="truncate-end" {...theme.label()}>
        {'Workers'.padEnd(col.id)}
        <Text {...theme.muted()}>{`+${workers.length} more: ${stateCounts(workers)}`}</Text>
      </Text>
    );
  // By stage, each by number, however the run added them (+ and > append).
  const ordered = [...workers].sort((a, b) => a.stage - b.stage || a.index - b.index);
  // Group names cost a line each: only for a chain with stages in between, and only when rows still fit.
  const groups = stages.length > 2 ? new Set(workers.map((w) => w.stage)).size : 0;
  const named = groups > 0 && lines - groups >= Math.min(workers.length, groups + 1);
  const { shown, hidden } = pickWorkers(ordered, named ? lines - groups : lines);
  // Ids of workers that joined from elsewhere (C1@build-7:4242) widen the column, up to a point.
  const idWidth = Math.min(MAX_ID_WIDTH, Math.max(col.id, ...shown.map((w) => w.id.length + 3)));
  const heading =
    'Workers'.padEnd(idWidth) +
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
      {shown.map((w, i) => (
        <Fragment key={w.id}>
          {named && shown[i - 1]?.stage !== w.stage && (
            <Text wrap="truncate-end" {...theme.muted()}>
              {` ${stages[w.stage]?.name ?? `stage ${w.stage}`}`}
            </Text>
          )}
          <WorkerRow worker={w} idWidth={idWidth} />
        </Fragment>
      ))}
      {hidden.length > 0 && (
        <Text wrap="truncate-end" {...theme.muted()}>
          {`  +${hidden.length} more: ${stateCounts(hidden)}`}
        </Text>
      )}
    </Box>
  );
}
