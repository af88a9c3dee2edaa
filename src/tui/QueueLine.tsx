import { Text } from 'ink';
import type { LinkRow } from '../pipeline/types.js';
import { LABEL_WIDTH, type LineWidths } from './dashboard-layout.js';
import { Gauge } from './Gauge.js';
import { Sparkline } from './Sparkline.js';
import { useTheme } from './use-theme.js';

export interface QueueLineProps {
  /** "Queue", or "Queue 2" in a chain of several. */
  label: string;
  link: LinkRow;
  /** Its depth per history bucket, oldest first. */
  depths: readonly number[];
  widths: LineWidths;
}

/**
 * "Queue  ██████░░░░  8/16  high 16  ▁▂▃▅▇": one link's depth gauge, high-water mark (and
 * "closed" once shut down), depth over the last minute.
 */
export function QueueLine({ label, link, depths, widths }: QueueLineProps) {
  const theme = useTheme();
  const gaugeLength = widths.gauge + 1 + String(link.capacity).length * 2 + 1;
  const rest = `  high ${link.highWater}${link.closed ? '  closed' : ''}`;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{label.padEnd(LABEL_WIDTH)}</Text>
      <Gauge value={link.depth} max={link.capacity} width={widths.gauge} />
      {rest.padEnd(Math.max(0, widths.body - gaugeLength))}
      <Sparkline values={depths} width={widths.spark} max={link.capacity} style={theme.depth()} />
    </Text>
  );
}
