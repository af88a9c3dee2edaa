import { Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { Gauge } from './Gauge.js';
import { LABEL_WIDTH, type LineWidths } from './layout.js';
import { Sparkline } from './Sparkline.js';
import { useTheme } from './use-theme.js';

export interface QueueLineProps {
  queue: Snapshot['links'][number];
  /** Queue depth per history bucket, oldest first. */
  depths: readonly number[];
  widths: LineWidths;
}

/**
 * "Queue  ██████░░░░  8/16  high 16  ▁▂▃▅▇": depth gauge, high-water mark,
 * depth over the last minute.
 */
export function QueueLine({ queue, depths, widths }: QueueLineProps) {
  const theme = useTheme();
  const gaugeLength = widths.gauge + 1 + String(queue.capacity).length * 2 + 1;
  const rest = `  high ${queue.highWater}`;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Queue'.padEnd(LABEL_WIDTH)}</Text>
      <Gauge value={queue.depth} max={queue.capacity} width={widths.gauge} />
      {rest.padEnd(Math.max(0, widths.body - gaugeLength))}
      <Sparkline values={depths} width={widths.spark} max={queue.capacity} style={theme.depth()} />
    </Text>
  );
}
