/**
 * The snapshot of a run before its engine has started: the chain as configured, every worker
 * "starting", nothing moved yet. The dashboard draws it as its first frame (cli/present-run.ts)
 * and only then is the run started, so the first frame waits neither for the workers nor for the
 * first refresh tick. The engine's first sample follows with the same chain and the same workers.
 */
import { chainOf, workerId } from './chain.js';
import type { PipelineConfig, Snapshot, WorkerRow } from './types.js';

/** What `config`'s run looks like at its very start. */
export function startingSnapshot(config: PipelineConfig): Snapshot {
  const chain = chainOf(config);
  const workers = chain.flatMap((spec, stage) =>
    Array.from(
      { length: spec.workers },
      (_, index): WorkerRow => ({
        id: workerId(spec.role, stage, index),
        role: spec.role,
        stage,
        index,
        state: 'starting',
        items: 0,
        rate: 0,
        blockedFraction: 0,
        blockedMs: 0,
      }),
    ),
  );
  const snapshot: Snapshot = {
    t: 0,
    state: 'starting',
    config,
    stages: chain.map((spec) => ({
      name: spec.name,
      role: spec.role,
      workers: spec.workers,
      running: spec.workers,
      in: 0,
      out: 0,
      dropped: 0,
      rate: 0,
      blockedOnInput: 0,
      blockedOnOutput: 0,
    })),
    links: chain.slice(1).map(() => ({
      depth: 0,
      capacity: config.capacity,
      highWater: 0,
      putBlocked: 0,
      getBlocked: 0,
      sentinelsSent: 0,
      closed: false,
    })),
    totals: { produced: 0, consumed: 0 },
    rates: { produced: 0, consumed: 0 },
    latencyMs: { p50: 0, p95: 0, p99: 0 },
    lock: { acquisitions: 0, contended: 0 },
    workers,
    shutdown: {
      mode: config.shutdown,
      producersDone: 0,
      producers: config.producers,
      sentinelsSent: 0,
      consumersExited: 0,
      consumers: config.consumers,
      ms: undefined,
    },
  };
  if (config.pool !== undefined)
    snapshot.pool = {
      size: config.pool,
      inUse: 0,
      waiting: 0,
      maxInUse: 0,
      acquisitions: 0,
      waits: 0,
      waitedMs: 0,
      waitedFraction: 0,
    };
  // A --broker run shows its stream in place of the lock from the first frame on.
  if (config.broker !== undefined)
    snapshot.broker = { ...config.broker, put: 0, acked: 0, duplicates: 0, remoteWorkers: 0 };
  return snapshot;
}
