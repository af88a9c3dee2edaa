/**
 * `--autoscale` in words, for every sink: its decisions one to a line ("[12.3s] autoscale: +1
 * consumer → 1,180/s (+21 %)"), the ones new since the last snapshot (plain output prints each
 * once), and the summary's last lines: the counts it settled on, as flags to paste.
 */
import type { AutoscaleDecision, Snapshot, Summary } from '../pipeline/types.js';
import { duration } from './format.js';

/** One decision as a line of its own. */
export function decisionLine(d: AutoscaleDecision): string {
  return `[${duration(d.t)}] autoscale: ${d.text}`;
}

/** The decisions `s` carries that `previous` did not (in order); [] for a run without --autoscale. */
export function newDecisions(previous: Snapshot | undefined, s: Snapshot): AutoscaleDecision[] {
  const reading = s.autoscale;
  if (reading === undefined) return [];
  const fresh = reading.decided - (previous?.autoscale?.decided ?? 0);
  return fresh > 0 ? reading.recent.slice(-fresh) : [];
}

/** The summary's lines for a run with --autoscale: its last decision, and the counts to paste. */
export function autoscaleSummaryLines(a: NonNullable<Summary['autoscale']>): string[] {
  const last = a.decisions.at(-1);
  return [
    `Autoscale: ${a.decisions.length} decision${a.decisions.length === 1 ? '' : 's'}` +
      `${last !== undefined ? `, the last: ${last.text}` : ''}.`,
    a.done ? `Settled on: ${a.flags}` : `Still measuring when the run ended; it had reached: ${a.flags}`,
  ];
}
