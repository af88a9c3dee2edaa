import { Text } from 'ink';
import type { Bottleneck } from '../pipeline/types.js';
import { bottleneckText } from './line-texts.js';
import { useTheme } from './use-theme.js';

export interface BottleneckLineProps {
  bottleneck: Bottleneck | undefined;
  /** Why none is named though the run may have one ("paused"): Snapshot.noBottleneck. */
  none?: string | undefined;
  columns: number;
}

const LABEL = 'Bottleneck ';

/**
 * "Bottleneck keep-odd — its input queue is full and upstream is blocked 76% of the time; …":
 * the stage that holds the run back, as the judge (src/pipeline/bottleneck.ts) names it, steadily.
 * When it does not fit, the advice comes before the evidence, which is cut instead.
 * Always one line ("none" until one is named, "none: paused" while the run cannot support one), so
 * the layout does not jump when a verdict comes or goes.
 */
export function BottleneckLine({ bottleneck: b, none, columns }: BottleneckLineProps) {
  const theme = useTheme();
  // Too long for the terminal: what to do first, so the end that is cut off is the evidence.
  const text = (v: Bottleneck): string =>
    LABEL.length + bottleneckText(v).length <= columns || v.advice === undefined
      ? bottleneckText(v)
      : `${v.name} — ${v.advice}; ${v.evidence}`;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{LABEL}</Text>
      {b !== undefined ? (
        <>
          <Text {...theme.bottleneck()}>{b.name}</Text>
          {text(b).slice(b.name.length)}
        </>
      ) : (
        <Text {...theme.muted()}>{none !== undefined ? `none: ${none}` : 'none'}</Text>
      )}
    </Text>
  );
}
