/**
 * The sampler: reads the shared board, the queue's counters and the latency histogram every
 * refresh tick and turns them into one immutable Snapshot. It never blocks and never takes a lock:
 * every figure it reads is a counter with a single writer.
 *
 * Rates and "% time blocked" are computed over a sliding window of recent samples, so they show
 * what is happening now rather than the average since the start.
 */
import * as hdr from 'hdr-histogram-js';
import { BottleneckJudge } from './bottleneck.js';
import type { PipelineBoard } from './metrics.js';
import { epochMs } from './metrics.js';
import type {
  LatencyMs,
  PipelineConfig,
  RunState,
  ShutdownProgress,
  Snapshot,
  StageRow,
  WorkerRole,
  WorkerRow,
} from './types.js';

/** What the sampler needs to know about each worker the run has started. */
export interface WorkerInfo {
  id: string;
  role: WorkerRole;
  /** Index of its stage in the chain (0: producers, last: consumers). */
  stage: number;
  index: number;
  slot: number;
  error?: string;
}

/** Queue figures the sampler reads (from BoundedQueue.stats() and lockStats()). */
export interface QueueReadings {
  depth: number;
  capacity: number;
  highWater: number;
  putBlocked: number;
  getBlocked: number;
  lockAcquisitions: number;
  lockContended: number;
}

interface Point {
  t: number;
  produced: number;
  consumed: number;
  items: Map<number, number>;
  blocked: Map<number, number>;
}

const WINDOW_MS = 1000;
const U32 = 2 ** 32;

/** Accumulates a counter that wraps at 2^32 into an ever-growing number. */
class WrappingCounter {
  private last = 0;
  total = 0;
  update(raw: number): number {
    this.total += (raw - this.last + U32) % U32;
    this.last = raw;
    return this.total;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** One stage's row, from its workers' rows (a one-link chain: producers then consumers). */
function stageRow(
  name: string,
  role: WorkerRole,
  rows: readonly WorkerRow[],
  moved: { in?: number; out?: number },
): StageRow {
  const mine = rows.filter((r) => r.role === role);
  const mean = (f: (r: WorkerRow) => number): number =>
    mine.length === 0 ? 0 : mine.reduce((sum, r) => sum + f(r), 0) / mine.length;
  const blocked = mean((r) => r.blockedFraction);
  return {
    name,
    role,
    workers: mine.length,
    running: mine.filter((r) => r.state !== 'done' && r.state !== 'failed').length,
    in: moved.in ?? 0,
    out: moved.out ?? 0,
    dropped: 0,
    rate: mean((r) => r.rate) * mine.length,
    blockedOnInput: role === 'producer' ? 0 : blocked,
    blockedOnOutput: role === 'producer' ? blocked : 0,
  };
}

export class Sampler {
  private readonly window: Point[] = [];
  private readonly latency = hdr.build({ numberOfSignificantValueDigits: 2 });
  private readonly acquisitions = new WrappingCounter();
  private readonly contended = new WrappingCounter();
  private readonly startedAt = epochMs();
  private readonly bottlenecks = new BottleneckJudge();

  constructor(
    private readonly config: PipelineConfig,
    private readonly board: PipelineBoard,
    private readonly readQueue: () => QueueReadings,
  ) {}

  /** Adds a consumer's latency histogram delta (compressed, as the worker posted it). */
  addLatency(encoded: string): void {
    this.latency.add(hdr.decodeFromCompressedBase64(encoded));
  }

  latencyMs(): LatencyMs {
    const at = (p: number): number => (this.latency.totalCount === 0 ? 0 : this.latency.getValueAtPercentile(p) / 1000);
    return { p50: at(50), p95: at(95), p99: at(99) };
  }

  /** Milliseconds since the run started. */
  elapsed(now = epochMs()): number {
    return now - this.startedAt;
  }

  /** Takes one snapshot. */
  sample(state: RunState, workers: readonly WorkerInfo[], shutdown: ShutdownProgress, error?: string): Snapshot {
    const now = epochMs();
    const t = this.elapsed(now);
    const q = this.readQueue();
    const point: Point = { t, produced: 0, consumed: 0, items: new Map(), blocked: new Map() };
    for (const w of workers) {
      const items = this.board.items(w.slot);
      point.items.set(w.slot, items);
      point.blocked.set(w.slot, this.board.blockedMs(w.slot, now));
      if (w.role === 'producer') point.produced += items;
      else point.consumed += items;
    }
    this.window.push(point);
    while (this.window.length > 2 && t - this.window[1]!.t >= WINDOW_MS) this.window.shift();
    const first = this.window[0]!;
    const span = t - first.t;
    const rate = (now_: number, then: number | undefined): number =>
      span > 0 ? ((now_ - (then ?? 0)) * 1000) / span : 0;

    const rows: WorkerRow[] = workers.map((w) => {
      const items = point.items.get(w.slot)!;
      const blockedMs = point.blocked.get(w.slot)!;
      const blockedThen = first.blocked.get(w.slot) ?? 0;
      const row: WorkerRow = {
        id: w.id,
        role: w.role,
        stage: w.stage,
        index: w.index,
        state: this.board.state(w.slot),
        items,
        rate: rate(items, first.items.get(w.slot)),
        blockedFraction: span > 0 ? Math.min(1, Math.max(0, (blockedMs - blockedThen) / span)) : 0,
        blockedMs,
      };
      if (w.error !== undefined) row.error = w.error;
      return row;
    });

    const snapshot: Snapshot = {
      t,
      state,
      config: this.config,
      queue: {
        depth: q.depth,
        capacity: q.capacity,
        highWater: q.highWater,
        putBlocked: q.putBlocked,
        getBlocked: q.getBlocked,
      },
      stages: [
        stageRow('producers', 'producer', rows, { out: point.produced }),
        stageRow('consumers', 'consumer', rows, { in: point.consumed }),
      ],
      links: [
        {
          depth: q.depth,
          capacity: q.capacity,
          highWater: q.highWater,
          putBlocked: q.putBlocked,
          getBlocked: q.getBlocked,
          sentinelsSent: shutdown.sentinelsSent,
          closed: false,
        },
      ],
      totals: { produced: point.produced, consumed: point.consumed },
      rates: { produced: rate(point.produced, first.produced), consumed: rate(point.consumed, first.consumed) },
      latencyMs: this.latencyMs(),
      lock: {
        acquisitions: this.acquisitions.update(q.lockAcquisitions),
        contended: this.contended.update(q.lockContended),
      },
      workers: rows,
      shutdown: { ...shutdown },
    };
    const bottleneck = this.bottlenecks.observe(snapshot);
    if (bottleneck !== undefined) snapshot.bottleneck = bottleneck;
    if (error !== undefined) snapshot.error = error;
    return deepFreeze(snapshot);
  }
}
