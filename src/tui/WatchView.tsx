import { Box, Text } from 'ink';
import type { GroupStats } from '../broker/stream-stats.js';
import type { WatchSnapshot } from '../broker/watch-source.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { count, duration, rate } from './format.js';
import { KeyBar } from './KeyBar.js';
import { WATCH_KEYS } from './keys.js';
import { Sparkline } from './Sparkline.js';
import { useTheme } from './use-theme.js';
import { connectionText } from './watch-plain.js';

export interface WatchViewProps {
  snapshot: WatchSnapshot;
  /** Entries added per second, oldest first (the sparkline). */
  history: readonly number[];
  columns: number;
  rows: number;
}

const COL = { name: 22, lag: 9, pending: 10, oldest: 16, idle: 12 } as const;

/** Group and consumer lines for `lines` rows: every group, then its consumers while they fit. */
function groupLines(groups: readonly GroupStats[], lines: number): Array<{ group: GroupStats; consumer?: number }> {
  const out: Array<{ group: GroupStats; consumer?: number }> = groups.map((group) => ({ group }));
  for (const group of groups) {
    const at = out.findIndex((l) => l.group === group && l.consumer === undefined);
    const room = Math.max(0, lines - out.length);
    const shown = Math.min(room, group.consumers.length);
    out.splice(at + 1, 0, ...Array.from({ length: shown }, (_, consumer) => ({ group, consumer })));
  }
  return out;
}

/**
 * `pipeline-tui watch`: one stream as the run dashboard shows its queue — the header (broker,
 * stream, connection, time), the stream's length and entries added per second with a sparkline,
 * then each consumer group (lag, pending, age of the oldest pending entry) and its consumers
 * (pending, idle time). It renders a WatchSnapshot and nothing else.
 */
export function WatchView({ snapshot: s, history, columns, rows }: WatchViewProps) {
  const theme = useTheme();
  const state = s.connection === 'ok' ? 'running' : s.connection === 'lost' ? 'paused' : 'failed';
  const label = s.connection === 'ok' ? 'watching' : s.connection === 'lost' ? 'broker lost' : 'broker gone';
  const spark = Math.max(0, Math.min(30, columns - LABEL_WIDTH - 60));
  const heading =
    'Groups'.padEnd(COL.name) +
    'lag'.padStart(COL.lag) +
    'pending'.padStart(COL.pending) +
    'oldest pending'.padStart(COL.oldest) +
    'idle'.padStart(COL.idle);
  // Header, stream, connection, blank, heading, keys, and a spare line (Ink clears at full height).
  const lines = groupLines(s.groups, Math.max(1, rows - 8));
  const folded =
    s.groups.reduce((n, g) => n + g.consumers.length, 0) - lines.filter((l) => l.consumer !== undefined).length;
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexGrow={1} flexShrink={1}>
          <Text wrap="truncate-end">
            <Text {...theme.label()}>pipeline-tui watch</Text>
            {`  ${s.broker}  stream ${s.stream}${s.group === null ? '' : `  group ${s.group}`}`}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text>
            {'  '}
            <Text {...theme.runState(state)}>● {label}</Text>
            {'  '}
            {duration(s.t).padStart(6)}
          </Text>
        </Box>
      </Box>
      <Text wrap="truncate-end">
        <Text {...theme.label()}>{'Stream'.padEnd(LABEL_WIDTH)}</Text>
        {s.exists
          ? `length ${count(s.length).padStart(7)}   added ${rate(s.addedPerSecond).padStart(8)}  `
          : 'no such stream (yet): waiting for its first entry  '}
        <Sparkline values={history} width={spark} style={theme.produced()} />
        {s.exists && <Text {...theme.muted()}>{`  ${count(s.entriesAdded)} added in all`}</Text>}
      </Text>
      <Text wrap="truncate-end" {...theme.error()}>
        {connectionText(s) || ' '}
      </Text>
      <Text wrap="truncate-end" {...theme.label()}>
        {heading}
      </Text>
      {s.exists && s.groups.length === 0 && (
        <Text {...theme.muted()}>{s.group === null ? '  no consumer groups' : `  no group named ${s.group}`}</Text>
      )}
      {lines.map(({ group: g, consumer }) => {
        if (consumer === undefined)
          return (
            <Text key={g.name} wrap="truncate-end">
              {`  ${g.name}`.padEnd(COL.name)}
              {(g.lag === null ? '?' : count(g.lag)).padStart(COL.lag)}
              <Text {...theme.fill(g.pending > 0 ? 0.8 : 0)}>{count(g.pending).padStart(COL.pending)}</Text>
              {(g.oldestPendingMs === null ? '-' : duration(g.oldestPendingMs)).padStart(COL.oldest)}
              <Text {...theme.muted()}>{`  ${g.consumers.length} consumer${g.consumers.length === 1 ? '' : 's'}`}</Text>
            </Text>
          );
        const c = g.consumers[consumer]!;
        return (
          <Text key={`${g.name}/${c.name}`} wrap="truncate-end">
            {`    ${c.name}`.padEnd(COL.name + COL.lag)}
            {count(c.pending).padStart(COL.pending)}
            {''.padStart(COL.oldest)}
            {duration(c.idleMs).padStart(COL.idle)}
          </Text>
        );
      })}
      {folded > 0 && <Text {...theme.muted()}>{`    +${folded} more consumers`}</Text>}
      <KeyBar keys={WATCH_KEYS} paused={false} stopRequested={false} />
    </Box>
  );
}
