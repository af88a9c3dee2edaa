import { Box, Text } from 'ink';
import type { RunState, Snapshot, WorkerRole } from '../pipeline/types.js';
import { duration, workload } from './format.js';
import { useTheme } from './use-theme.js';

export interface HeaderProps {
  snapshot: Snapshot;
}

const LIVE: ReadonlySet<RunState> = new Set(['starting', 'running', 'paused']);

/**
 * The top line: the configuration (producers → consumers, capacity, workload) on the left,
 * truncated when narrow; the coloured run state and the elapsed time on the right, always shown.
 */
export function Header({ snapshot: s }: HeaderProps) {
  const theme = useTheme();
  // While the run is live, count the workers still at it (+/- change them); afterwards, all.
  const workers = (role: WorkerRole): number =>
    s.workers.filter((w) => w.role === role && (!LIVE.has(s.state) || (w.state !== 'done' && w.state !== 'failed')))
      .length;
  const p = workers('producer');
  const c = workers('consumer');
  const config =
    `${p} producer${p === 1 ? '' : 's'} → ${c} consumer${c === 1 ? '' : 's'} · ` +
    `capacity ${s.links[0]!.capacity} · ${workload(s.config)}`;
  return (
    <Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text {...theme.label()}>pipeline-tui</Text>
          {'  '}
          {config}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>
          {'  '}
          <Text {...theme.runState(s.state)}>● {s.state.replace('-', ' ')}</Text>
          {'  '}
          {duration(s.t).padStart(6)}
        </Text>
      </Box>
    </Box>
  );
}
