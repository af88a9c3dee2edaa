/**
 * The shutdown cascade as steps, in order: the producers finish; then link by link, the sentinels
 * go out on the queue (or it is closed) and the stage behind it exits; the consumers last. The
 * dashboard's Shutdown line draws them, the recorder marks each one done (phase-markers.ts), and
 * the summary of a chain lists them.
 */
import type { LinkRow, RunState, ShutdownProgress, StageRow } from '../pipeline/types.js';
import { clip } from './chain-view.js';

/** What the steps are read from: a Snapshot, or a Summary's figures (cascadeOf in plain.ts). */
export interface CascadeReading {
  shutdown: ShutdownProgress;
  state: RunState;
  stages: ReadonlyArray<Pick<StageRow, 'name' | 'workers' | 'running'>>;
  links: ReadonlyArray<Pick<LinkRow, 'sentinelsSent' | 'closed'>>;
}

export type Status = 'pending' | 'active' | 'done';

export interface Step {
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
export function steps({ shutdown: sd, state, stages, links }: CascadeReading): Step[] {
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
