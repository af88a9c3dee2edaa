import { Text } from 'ink';
import { Fragment } from 'react';
import type { RunState, ShutdownProgress } from '../pipeline/types.js';
import { duration } from './format.js';
import { LABEL_WIDTH } from './layout.js';
import { useTheme } from './use-theme.js';

export interface ShutdownLineProps {
  shutdown: ShutdownProgress;
  state: RunState;
}

type Status = 'pending' | 'active' | 'done';

interface Step {
  text: string;
  status: Status;
}

const SHUTTING: ReadonlySet<RunState> = new Set(['draining', 'shutting-down', 'done', 'stopped', 'aborted', 'failed', 'stalled']);

/** A step is done when its count is complete, active once it has begun or the one before is done. */
function status(k: number, n: number, begun: boolean): Status {
  if (n > 0 && k >= n) return 'done';
  return k > 0 || begun ? 'active' : 'pending';
}

/** The steps of the shutdown, in order. */
function steps(sd: ShutdownProgress, state: RunState): Step[] {
  const producers = status(sd.producersDone, sd.producers, SHUTTING.has(state));
  const middle: Step =
    sd.mode === 'sentinel'
      ? { text: `sentinels sent ${sd.sentinelsSent}/${sd.consumers}`, status: status(sd.sentinelsSent, sd.consumers, producers === 'done') }
      : { text: 'queue closed', status: producers === 'done' ? 'done' : 'pending' };
  const consumers = status(sd.consumersExited, sd.consumers, middle.status === 'done');
  return [
    { text: `producers done ${sd.producersDone}/${sd.producers}`, status: producers },
    middle,
    { text: `consumers exited ${sd.consumersExited}/${sd.consumers}`, status: consumers },
  ];
}

const MARK: Record<Status, string> = { pending: '○', active: '◐', done: '●' };

/**
 * How the shutdown travels: "○ producers done 4/4 → ● sentinels sent 2/2 → ◐ consumers exited 1/2",
 * each step dim until it begins, yellow while under way, green when complete; then the
 * shutdown's duration once the last consumer is out.
 */
export function ShutdownLine({ shutdown, state }: ShutdownLineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text {...theme.label()}>{'Shutdown'.padEnd(LABEL_WIDTH)}</Text>
      {steps(shutdown, state).map((step, i) => (
        <Fragment key={step.text.split(' ')[0]}>
          {i > 0 && <Text {...theme.muted()}> → </Text>}
          <Text {...theme.step(step.status)}>
            {MARK[step.status]} {step.text}
          </Text>
        </Fragment>
      ))}
      {shutdown.ms !== undefined && <Text {...theme.step('done')}>{`  ✓ in ${duration(shutdown.ms)}`}</Text>}
      <Text {...theme.muted()}>{`  (${shutdown.mode})`}</Text>
    </Text>
  );
}
