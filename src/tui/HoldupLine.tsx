import { Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { holdup, holdupText } from './line-texts.js';
import { useTheme } from './use-theme.js';

/** "Waiting   C2 has held its item 4.2s; …": who the drain waits for, while it does (see holdup). */
export function HoldupLine({ snapshot: s }: { snapshot: Snapshot }) {
  const theme = useTheme();
  const h = holdup(s);
  if (h === undefined) return null;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Waiting'.padEnd(LABEL_WIDTH)}</Text>
      <Text {...theme.bottleneck()}>{h.id}</Text>
      {holdupText(h, s.config.stallMs).slice(h.id.length)}
    </Text>
  );
}
