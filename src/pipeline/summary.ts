/** The Summary of a run, read off its last Snapshot (live runs and replays of cut-short logs alike). */
import type { BrokerReading, EndedBy, PoolReading, Snapshot, Summary } from './types.js';

const poolOf = ({ size, maxInUse, acquisitions, waits, waitedMs }: PoolReading): NonNullable<Summary['pool']> => ({
  size,
  maxInUse,
  acquisitions,
  waits,
  waitedMs,
});

const brokerOf = ({ address, stream, group, duplicates, remoteWorkers }: BrokerReading): Summary['broker'] => ({
  address,
  stream,
  group,
  duplicates,
  remoteWorkers,
});

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
      producersDone: last.shutdown.producersDone,
      producers: last.shutdown.producers,
      consumers: last.shutdown.consumers,
    },
    stages: last.stages.map(({ name, workers, in: taken, out, dropped }) => ({
      name,
      workers,
      in: taken,
      out,
      dropped,
    })),
    links: last.links.map(({ capacity, highWater, sentinelsSent, closed }) => ({
      capacity,
      highWater,
      sentinelsSent,
      closed,
    })),
    ...(last.pool ? { pool: poolOf(last.pool) } : {}),
    ...(last.bottleneck ? { bottleneck: last.bottleneck } : {}),
    ...(last.noBottleneck !== undefined ? { noBottleneck: last.noBottleneck } : {}),
    ...(last.broker ? { broker: brokerOf(last.broker) } : {}),
    workers: last.workers.map((w) => ({
      id: w.id,
      role: w.role,
      stage: w.stage,
      items: w.items,
      state: w.state,
      blockedMs: w.blockedMs,
      ...(w.error ? { error: w.error } : {}),
    })),
    endedBy,
    ...(error !== undefined ? { error } : {}),
  };
}
