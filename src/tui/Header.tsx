import { Box, Text } from 'ink';
import type { RunState, Snapshot } from '../pipeline/types.js';
import { duration, workload } from './format.js';
import { useTheme } from './use-theme.js';

export interface HeaderProps {
  snapshot: Snapshot;
  columns: number;
}

const LIVE: ReadonlySet<RunState> = new Set(['starting', 'running', 'paused']);
const TITLE = 'pipeline-tui  ';

/**
 * The run's description, as long as fits in `width`: the least telling parts go first — the
 * work's kind and jitter, the capacity, the per-item work, the rate limit — and the chain and the
 * run's bound (items, duration) last, so "· 3,00…" is never what a terminal of 120 columns shows.
 */
export function describeRun(s: Snapshot, chain: string, width: number): string {
  const w = workload(s.config);
  const capacity = `capacity ${s.links[0]?.capacity ?? s.config.capacity}`;
  const variants = [
    [chain, capacity, w.work, w.bound, w.limit],
    [chain, capacity, w.bare, w.bound, w.limit],
    [chain, w.bare, w.bound, w.limit],
    [chain, w.bound, w.limit],
    [chain, w.bound],
  ].map((parts) => parts.filter((p) => p !== undefined).join(' · '));
  return variants.find((v) => v.length <= width) ?? variants.at(-1)!;
}

/**
 * The top line: the chain (producers → each stage's workers → consumers), capacity and workload
 * on the left, shortened to fit (describeRun); the coloured run state and the elapsed time on the
 * right, always shown.
 */
export function Header({ snapshot: s, columns }: HeaderProps) {
  const theme = useTheme();
  // While the run is live, count the workers still at it (+/- change them); afterwards, all.
  const workers = (stage: number): number =>
    s.workers.filter((w) => w.stage === stage && (!LIVE.has(s.state) || (w.state !== 'done' && w.state !== 'failed')))
      .length;
  const last = s.stages.length - 1;
  const p = workers(0);
  const c = workers(last);
  const middle = s.stages.slice(1, last).map((stage, i) => `${stage.name} ×${workers(i + 1)} → `);
  const chain = `${p} producer${p === 1 ? '' : 's'} → ${middle.join('')}${c} consumer${c === 1 ? '' : 's'}`;
  const right = `  ● ${s.state.replace('-', ' ')}  ${duration(s.t).padStart(6)}`;
  const config = describeRun(s, chain, columns - TITLE.length - right.length);
  return (
    <Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text {...theme.label()}>{TITLE.trimEnd()}</Text>
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
