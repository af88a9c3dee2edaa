import { Text } from 'ink';
import type { Bottleneck } from '../pipeline/types.js';
import { useTheme } from './use-theme.js';

export interface BottleneckLineProps {
  bottleneck: Bottleneck | undefined;
  /** Why none is named though the run may have one ("paused"): Snapshot.noBottleneck. */
  none?: string | undefined;
}

/** The whole verdict as one sentence: "keep-odd — its input queue is full …; select it and press + …". */
export function bottleneckText(b: Bottleneck): string {
  return `${b.name} — ${b.evidence}${b.advice !== undefined ? `; ${b.advice}` : ''}`;
}

/**
 * "Bottleneck keep-odd — its input queue is full and upstream is blocked 76% of the time; …":
 * the stage that holds the run back, as the judge (src/pipeline/bottleneck.ts) names it, steadily.
 * Always one line ("none" until one is named, "none: paused" while the run cannot support one), so
 * the layout does not jump when a verdict comes or goes.
 */
export function BottleneckLine({ bottleneck: b, none }: BottleneckLineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>Bottleneck </Text>
      {b !== undefined ? (
        <>
          <Text {...theme.bottleneck()}>{b.name}</Text>
          {bottleneckText(b).slice(b.name.length)}
        </>
      ) : (
        <Text {...theme.muted()}>{none !== undefined ? `none: ${none}` : 'none'}</Text>
      )}
    </Text>
  );
}
