import { Text } from 'ink';
import type { LatencyMs } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { latency } from './format.js';
import { useTheme } from './use-theme.js';

/** "Latency  p50 3.10ms  p95 8.20ms  p99 12ms put→get": the time items spend between put and get. */
export function LatencyLine({ latencyMs: l }: { latencyMs: LatencyMs }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Latency'.padEnd(LABEL_WIDTH)}</Text>
      {`p50 ${latency(l.p50)}  p95 ${latency(l.p95)}  p99 ${latency(l.p99)}`}
      <Text {...theme.muted()}> put→get</Text>
    </Text>
  );
}
