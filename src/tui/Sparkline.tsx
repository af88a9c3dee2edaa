import { Text } from 'ink';
import { sparklineString } from './glyphs.js';
import type { Style } from './theme.js';

export interface SparklineProps {
  /** Oldest first; the last `width` are drawn, newest on the right. */
  values: readonly number[];
  width: number;
  /** The value drawn as a full block (default: the largest shown). */
  max?: number;
  style?: Style;
}

/** A one-line chart of recent values, `width` cells wide, inline. */
export function Sparkline({ values, width, max, style }: SparklineProps) {
  return <Text {...style}>{sparklineString(values, width, max)}</Text>;
}
