/**
 * Reads a version 1 metrics log (before stages) as version 2: the one queue becomes the chain's
 * one link, and the stages — producers and consumers — are derived from the worker rows. What v1
 * did not record is filled in as it was then: no stages, no pool, and a link shut down only by
 * a close shutdown (once every producer was done) or a failure. Logs written between the two
 * (version 1 with stages and links already in) only lose their `queue`.
 */
import { DEFAULTS } from '../pipeline/config.js';
import type { LinkRow, PipelineConfig, Snapshot, StageRow, Summary, WorkerRole, WorkerRow } from '../pipeline/types.js';

type Json = Record<string, unknown>;

/** A v1 configuration: as v2, without `stages` and `pool`. */
export function upgradeConfig(config: Json): PipelineConfig {
  return { stages: DEFAULTS.stages, ...config } as unknown as PipelineConfig;
}

const stageOf = (role: WorkerRole): number => (role === 'producer' ? 0 : 1);
const running = (w: WorkerRow): boolean => w.state !== 'done' && w.state !== 'failed';

/** A v1 snapshot as v2. */
export function upgradeSnapshot(v1: Json): Snapshot {
  const { queue, ...rest } = v1 as unknown as Snapshot & { queue: Omit<LinkRow, 'sentinelsSent' | 'closed'> };
  const s = rest as Snapshot;
  const workers = s.workers.map((w) => ({ ...w, stage: w.stage ?? stageOf(w.role) }));
  const upgraded: Snapshot = { ...s, config: upgradeConfig(s.config as unknown as Json), workers };
  if (Array.isArray(s.links) && Array.isArray(s.stages)) return upgraded;
  const sd = s.shutdown;
  const closed = (sd.mode === 'close' && sd.producers > 0 && sd.producersDone >= sd.producers) || s.error !== undefined;
  upgraded.links = [{ ...queue, sentinelsSent: sd.sentinelsSent, closed }];
  upgraded.stages = [
    stageFromWorkers('producers', 'producer', workers, { out: s.totals.produced, rate: s.rates.produced }),
    stageFromWorkers('consumers', 'consumer', workers, { in: s.totals.consumed, rate: s.rates.consumed }),
  ];
  return upgraded;
}

/** A v1 summary as v2 (`last`: the log's last snapshot, already upgraded, for the link's high water). */
export function upgradeSummary(v1: Json, last: Snapshot | undefined, config: PipelineConfig): Summary {
  const s = v1 as unknown as Summary;
  const workers = s.workers.map((w) => ({ ...w, stage: w.stage ?? stageOf(w.role) }));
  const count = (role: WorkerRole): number => workers.filter((w) => w.role === role).length;
  return {
    ...s,
    stages: s.stages ?? [
      { name: 'producers', workers: count('producer'), in: 0, out: s.produced, dropped: 0 },
      { name: 'consumers', workers: count('consumer'), in: s.consumed, out: 0, dropped: 0 },
    ],
    links: s.links ?? [{ capacity: config.capacity, highWater: last?.links[0]?.highWater ?? 0 }],
    workers,
  };
}

function stageFromWorkers(
  name: string,
  role: WorkerRole,
  workers: readonly WorkerRow[],
  moved: { in?: number; out?: number; rate: number },
): StageRow {
  const mine = workers.filter((w) => w.role === role);
  const live = mine.filter(running);
  const blocked = live.length === 0 ? 0 : live.reduce((sum, w) => sum + w.blockedFraction, 0) / live.length;
  return {
    name,
    role,
    workers: mine.length,
    running: live.length,
    in: moved.in ?? 0,
    out: moved.out ?? 0,
    dropped: 0,
    rate: moved.rate,
    blockedOnInput: role === 'producer' ? 0 : blocked,
    blockedOnOutput: role === 'producer' ? blocked : 0,
  };
}
