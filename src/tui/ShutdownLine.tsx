import { Text } from 'ink';
import { Fragment } from 'react';
import type { RunState, Snapshot } from '../pipeline/types.js';
import { clip } from './chain-view.js';
import { LABEL_WIDTH } from './dashboard-layout.js';
import { duration } from './format.js';
import { useTheme } from './use-theme.js';

export interface ShutdownLineProps {
  snapshot: Pick<Snapshot, 'shutdown' | 'state' | 'stages' | 'links'>;
  columns: number;
}

type Status = 'pending' | 'active' | 'done';

interface Step {
  /** "producers done 2/2", and the same in a few characters ("P 2/2") for a narrow terminal. */
  text: string;
  short: string;
  status: Status;
}

const SHUTTING: ReadonlySet<RunState> = new Set([
  'draining',
  'shutting-down',
  'done',
  'stopped',
  'aborted',
  'failed',
  'stalled',
]);

/** A step is done when its count is complete, active once it has begun or the one before is done. */
function status(k: number, n: number, begun: boolean): Status {
  if (n > 0 && k >= n) return 'done';
  return k > 0 || begun ? 'active' : 'pending';
}

/**
 * The cascade, in order: the producers finish; then link by link, the sentinels go out on the
 * queue (or it is closed) and the stage behind it exits; the consumers last.
 */
export function steps({ shutdown: sd, state, stages, links }: ShutdownLineProps['snapshot']): Step[] {
  const out: Step[] = [];
  const producers = status(sd.producersDone, sd.producers, SHUTTING.has(state));
  out.push({
    text: `producers done ${sd.producersDone}/${sd.producers}`,
    short: `P ${sd.producersDone}/${sd.producers}`,
    status: producers,
  });
  const last = Math.max(1, stages.length - 1);
  let previous = producers;
  for (let i = 0; i < last; i++) {
    const link = links[i];
    const one = last === 1;
    const queue = one ? 'queue' : `queue ${i + 1}`;
    const downstream = i + 1 === last ? sd.consumers : (stages[i + 1]?.workers ?? 0);
    if (sd.mode === 'sentinel') {
      const sent = one ? sd.sentinelsSent : (link?.sentinelsSent ?? 0);
      const text = one ? `sentinels sent ${sent}/${downstream}` : `${queue} sentinels ${sent}/${downstream}`;
      previous = status(sent, downstream, previous === 'done');
      out.push({ text, short: `Q${i + 1} ${sent}/${downstream}`, status: previous });
    } else {
      previous = link?.closed || previous === 'done' ? 'done' : 'pending';
      out.push({ text: `${queue} closed`, short: `Q${i + 1} closed`, status: previous });
    }
    if (i + 1 === last) break;
    const stage = stages[i + 1]!;
    const exited = stage.workers - stage.running;
    previous = status(exited, stage.workers, previous === 'done');
    out.push({
      text: `${stage.name} exited ${exited}/${stage.workers}`,
      short: `${clip(stage.name, 8)} ${exited}/${stage.workers}`,
      status: previous,
    });
  }
  out.push({
    text: `consumers exited ${sd.consumersExited}/${sd.consumers}`,
    short: `C ${sd.consumersExited}/${sd.consumers}`,
    status: status(sd.consumersExited, sd.consumers, previous === 'done'),
  });
  return out;
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
