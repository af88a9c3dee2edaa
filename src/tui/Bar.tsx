import { Text } from 'ink';
import { barString } from './glyphs.js';
import { useTheme } from './use-theme.js';

export interface BarProps {
  /** 0..1 */
  fraction: number;
  width: number;
  /** Colour scale: `fill` warms up near full (queue), `blocked` warms up early (waiting). */
  tone?: 'fill' | 'blocked';
}

/** A horizontal fill bar, inline (it renders a `<Text>` that can sit inside a line). */
export function Bar({ fraction, width, tone = 'fill' }: BarProps) {
  const theme = useTheme();
  const style = tone === 'blocked' ? theme.blocked(fraction) : theme.fill(fraction);
  return <Text {...style}>{barString(fraction, width)}</Text>;
}
