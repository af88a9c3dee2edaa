import { Text } from 'ink';
import { Bar } from './Bar.js';

export interface GaugeProps {
  value: number;
  max: number;
  /** Width of the bar alone; the "value/max" label follows it. */
  width: number;
}

/** "████░░░░  8/16": a fill bar and its value over its maximum, inline. */
export function Gauge({ value, max, width }: GaugeProps) {
  return (
    <Text>
      <Bar fraction={max > 0 ? value / max : 0} width={width} /> {gaugeLabel(value, max)}
    </Text>
  );
}

/** The label, padded so it does not jitter as the value changes width. */
function gaugeLabel(value: number, max: number): string {
  return `${String(value).padStart(String(max).length)}/${max}`;
}
