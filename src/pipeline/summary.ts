/** The Summary of a run, read off its last Snapshot (live runs and replays of cut-short logs alike). */
import type { EndedBy, Snapshot, Summary } from './types.js';

export function summaryOf(last: Snapshot, endedBy: EndedBy, error: string | undefined = last.error): Summary {
  return {
    produced: last.totals.produced,
    consumed: last.totals.consumed,
    durationMs: last.t,
    itemsPerSecond: last.t > 0 ? (last.totals.consumed * 1000) / last.t : 0,
    latencyMs: last.latencyMs,
    shutdown: {
      mode: last.shutdown.mode,
      sentinelsSent: last.shutdown.sentinelsSent,
      consumersExited: last.shutdown.consumersExited,
      ms: last.shutdown.ms,
    },
    workers: last.workers.map((w) => ({
      id: w.id,
      role: w.role,
      items: w.items,
      state: w.state,
      blockedMs: w.blockedMs,
      ...(w.error ? { error: w.error } : {}),
    })),
    endedBy,
    ...(error !== undefined ? { error } : {}),
  };
}
