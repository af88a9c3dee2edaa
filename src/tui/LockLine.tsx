import { Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { Bar } from './Bar.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { count, percent } from './format.js';
import { useTheme } from './use-theme.js';

export interface LockLineProps {
  lock: Snapshot['lock'];
}

/**
 * "Lock  12,345 acquisitions  ██░░░░░░░░ 3% contended": the queue lock's traffic and contention.
 */
export function LockLine({ lock }: LockLineProps) {
  const theme = useTheme();
  const contended = lock.acquisitions > 0 ? lock.contended / lock.acquisitions : 0;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Lock'.padEnd(LABEL_WIDTH)}</Text>
      {`${count(lock.acquisitions)} acquisitions  `}
      <Bar fraction={contended} width={10} tone="blocked" />
      {` ${percent(contended)} contended`}
    </Text>
  );
}
