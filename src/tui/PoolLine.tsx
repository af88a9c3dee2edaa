import { Text } from 'ink';
import type { PoolReading } from '../pipeline/types.js';
import { Bar } from './Bar.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { percent } from './format.js';
import { useTheme } from './use-theme.js';

export interface PoolLineProps {
  pool: PoolReading;
}

/**
 * "Pool  ██████████ 2/2 in use, 3 waiting  ████████░░ 80% of consumer time waiting for a permit":
 * the `--pool` semaphore's permits in use, the consumers queued for one, and the share of the
 * consumers' time spent waiting.
 */
export function PoolLine({ pool }: PoolLineProps) {
  const theme = useTheme();
  const width = String(pool.size).length;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Pool'.padEnd(LABEL_WIDTH)}</Text>
      <Bar fraction={pool.size > 0 ? pool.inUse / pool.size : 0} width={10} />
      {` ${String(pool.inUse).padStart(width)}/${pool.size} in use, ${pool.waiting} waiting  `}
      <Bar fraction={pool.waitedFraction} width={10} tone="blocked" />
      {` ${percent(pool.waitedFraction)} of consumer time waiting for a permit`}
    </Text>
  );
}
