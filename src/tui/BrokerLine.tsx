import { Text } from 'ink';
import type { BrokerReading } from '../pipeline/types.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { brokerText } from './line-texts.js';
import { useTheme } from './use-theme.js';

export interface BrokerLineProps {
  broker: BrokerReading;
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
