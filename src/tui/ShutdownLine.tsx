import { Text } from 'ink';
import { Fragment } from 'react';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { duration } from './format.js';
import { type CascadeReading, type Status, steps } from './shutdown-steps.js';
import { useTheme } from './use-theme.js';

export interface ShutdownLineProps {
  snapshot: CascadeReading;
  columns: number;
}

const MARK: Record<Status, string> = { pending: '○', active: '◐', done: '●' };
const ARROW = ' → ';

/**
 * How the shutdown travels: "○ producers done 4/4 → ● sentinels sent 2/2 → ◐ consumers exited 1/2",
 * and in a chain link by link ("… → ● queue 1 sentinels 2/2 → ◐ keep-odd exited 1/2 → …"), in
 * the short form ("● P 4/4 → ● Q1 2/2 → ◐ keep-odd 1/2 → …") when the long one does not fit.
 * Each step is dim until it begins, yellow while under way, green when complete; then the
 * shutdown's duration once the last consumer is out.
 */
export function ShutdownLine({ snapshot, columns }: ShutdownLineProps) {
  const theme = useTheme();
  const all = steps(snapshot);
  const length = all.reduce((n, s) => n + s.text.length + 2, 0) + ARROW.length * (all.length - 1);
  const short = LABEL_WIDTH + length > columns;
  const { shutdown } = snapshot;
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Shutdown'.padEnd(LABEL_WIDTH)}</Text>
      {all.map((step, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the steps of one chain, always in the same order
        <Fragment key={i}>
          {i > 0 && <Text {...theme.muted()}>{ARROW}</Text>}
          <Text {...theme.step(step.status)}>
            {MARK[step.status]} {short ? step.short : step.text}
          </Text>
        </Fragment>
      ))}
      {shutdown.ms !== undefined && <Text {...theme.step('done')}>{`  ✓ in ${duration(shutdown.ms)}`}</Text>}
      <Text {...theme.muted()}>{`  (${shutdown.mode})`}</Text>
    </Text>
  );
}
