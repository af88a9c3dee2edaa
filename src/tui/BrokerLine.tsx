import { Text } from 'ink';
import type { BrokerReading } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { count } from './format.js';
import { useTheme } from './use-theme.js';

export interface BrokerLineProps {
  broker: BrokerReading;
}

/** "stream jobs at redis://:***@10.0.0.5:6379, group pipeline-tui: 0 delivered twice, 2 remote workers". */
export function brokerText(
  b: Pick<BrokerReading, 'address' | 'stream' | 'group' | 'duplicates' | 'remoteWorkers'>,
): string {
  const remote = b.remoteWorkers === 0 ? '' : `, ${b.remoteWorkers} remote worker${b.remoteWorkers === 1 ? '' : 's'}`;
  return `stream ${b.stream} at ${b.address}, group ${b.group}: ${count(b.duplicates)} delivered twice${remote}`;
}

/**
 * In place of the Lock line on a `--broker` run (Redis has no lock to show): where the queue is,
 * what was delivered twice, who joined from elsewhere — or, while the broker is out of reach, that.
 */
export function BrokerLine({ broker }: BrokerLineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Broker'.padEnd(LABEL_WIDTH)}</Text>
      {broker.lost !== undefined ? <Text {...theme.error()}>{broker.lost}</Text> : brokerText(broker)}
    </Text>
  );
}
