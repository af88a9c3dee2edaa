import { Box, Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { count, latency, rate } from './format.js';
import type { History } from './history.js';
import { LABEL_WIDTH, type LineWidths } from './layout.js';
import { Sparkline } from './Sparkline.js';
import type { Style } from './theme.js';
import { useTheme } from './use-theme.js';

export interface ThroughputPanelProps {
  snapshot: Snapshot;
  history: History;
  widths: LineWidths;
}

/**
 * Three lines: items/s produced and consumed — now, as sparklines on one shared scale (so the
 * two lines compare), and in total — then latency p50/p95/p99 (put to get).
 */
export function ThroughputPanel({ snapshot: s, history, widths }: ThroughputPanelProps) {
  const theme = useTheme();
  const max = Math.max(0, ...history.produced, ...history.consumed);
  const line = (label: string, now: number, total: number, values: readonly number[], style: Style) => (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{label.padEnd(LABEL_WIDTH)}</Text>
      {`${rate(now).padStart(9)}  total ${count(total)}`.padEnd(widths.body)}
      <Sparkline values={values} width={widths.spark} max={max} style={style} />
    </Text>
  );
  return (
    <Box flexDirection="column">
      {line('Produced', s.rates.produced, s.totals.produced, history.produced, theme.produced())}
      {line('Consumed', s.rates.consumed, s.totals.consumed, history.consumed, theme.consumed())}
      <Text wrap="truncate-end">
        <Text {...theme.label()}>{'Latency'.padEnd(LABEL_WIDTH)}</Text>
        {`p50 ${latency(s.latencyMs.p50)}  p95 ${latency(s.latencyMs.p95)}  p99 ${latency(s.latencyMs.p99)}`}
        <Text {...theme.muted()}> put→get</Text>
      </Text>
    </Box>
  );
}
