import { Text } from 'ink';
import type { AutoscaleReading } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { useTheme } from './use-theme.js';

export interface AutoscaleLineProps {
  autoscale: AutoscaleReading;
}

/** Lines the autoscale block takes: one per recent decision, one while there is none yet. */
export const autoscaleLines = (a: AutoscaleReading | undefined): number =>
  a === undefined ? 0 : Math.max(1, a.recent.length);

/**
 * "Autoscale  +1 consumer → 1,180/s (+21 %)": the latest decisions of `--autoscale`, each on a line
 * of its own, oldest first; "measuring…" until the first.
 */
export function AutoscaleLine({ autoscale: a }: AutoscaleLineProps) {
  const theme = useTheme();
  const label = (i: number) => <Text {...theme.label()}>{(i === 0 ? 'Autoscale' : '').padEnd(LABEL_WIDTH)}</Text>;
  if (a.recent.length === 0)
    return (
      <Text wrap="truncate-end">
        {label(0)}
        <Text {...theme.muted()}>measuring…</Text>
      </Text>
    );
  return (
    <>
      {a.recent.map((d, i) => (
        <Text key={`${d.t}:${d.text}`} wrap="truncate-end">
          {label(i)}
          {d.text}
        </Text>
      ))}
    </>
  );
}
