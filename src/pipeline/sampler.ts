/**
 * The sampler: reads the shared board, the links' counters and the latency histogram every
 * refresh tick and turns them into one immutable Snapshot. It never blocks and never takes a lock:
 * every figure it reads is a counter with a single writer (or an atomic one, for the pool).
 *
 * Rates and "% time blocked" are computed over a sliding window of recent samples, so they show
 * what is happening now rather than the average since the start.
 */
import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';
import { epochMs } from '../sync/futex.js';
import { BottleneckJudge } from './bottleneck.js';
import type { ChainStage } from './chain.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';
import type { ChainLink } from './link.js';
import type { PipelineBoard } from './metrics.js';
import type {
  BrokerReading,
  LatencyMs,
  LinkRow,
  PipelineConfig,
  PoolReading,
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

/**
 * A worker that joined a `--broker` run from elsewhere, as it last published itself: its stage in
 * the chain (absent: its role's end), and a stage worker's items passed on and dropped.
 */
export type RemoteRow = Pick<WorkerRow, 'id' | 'role' | 'state' | 'items' | 'blockedMs' | 'error'> & {
  stage?: number;
  out?: number;
  dropped?: number;
};

/** What a `--broker` run adds to a sample: the server's counts, and the remote workers. */
export interface BrokerSample {
  reading: BrokerReading;
  remote: readonly RemoteRow[];
}

/** A stage of the chain and every worker it has started. */
export interface StageInfo {
  spec: ChainStage;
  all: readonly WorkerInfo[];
}

/** One worker's cumulative figures at one sample. */
interface Reading {
  items: number;
  blocked: number;
  blockedOut: number;
  poolWaited: number;
}

interface Point {
  t: number;
  produced: number;
  consumed: number;
  /** By worker id. */
  workers: Map<string, Reading>;
}

const WINDOW_MS = 1000;

/**
 * hdr-histogram-js, loaded at the first latency report rather than with the engine: loading it
 * was a third of the engine's start-up, paid before the dashboard's first frame
 * (docs/benchmarks.md, "Start-up"), and until a consumer reports there is nothing to decode.
 */
let hdrModule: typeof Hdr | undefined;
const loadHdr = (): typeof Hdr => (hdrModule ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr);
const U32 = 2 ** 32;
const NONE: Reading = { items: 0, blocked: 0, blockedOut: 0, poolWaited: 0 };

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

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((total, x) => total + f(x), 0);
const mean = <T>(xs: readonly T[], f: (x: T) => number): number => (xs.length === 0 ? 0 : sum(xs, f) / xs.length);
const running = (row: WorkerRow): boolean => row.state !== 'done' && row.state !== 'failed';

export class Sampler {
  private readonly window: Point[] = [];
  /** Every latency the consumers reported; made at the first report. */
  private latency: Hdr.Histogram | undefined;
  private readonly acquisitions: WrappingCounter[];
  private readonly contended: WrappingCounter[];
  private readonly startedAt = epochMs();
  private readonly bottlenecks = new BottleneckJudge();
  /** Per worker: its count, and since when it has been working on the item in hand (see WorkerRow.heldMs). */
  private readonly holding = new Map<string, { items: number; since: number }>();

  constructor(
    private readonly config: PipelineConfig,
    private readonly board: PipelineBoard,
    private readonly links: readonly ChainLink[],
    /** The pool's size now (it may be resized during the run); the configured one if not given. */
    private readonly poolSize: () => number | undefined = () => undefined,
  ) {
    this.acquisitions = links.map(() => new WrappingCounter());
    this.contended = links.map(() => new WrappingCounter());
  }

  /** Adds a consumer's latency histogram delta (compressed, as the worker posted it). */
  addLatency(encoded: string): void {
    const hdr = loadHdr();
    this.latency ??= hdr.build({ numberOfSignificantValueDigits: 2 });
    this.latency.add(hdr.decodeFromCompressedBase64(encoded));
  }

  latencyMs(): LatencyMs {
    const { latency } = this;
    const at = (p: number): number =>
      latency === undefined || latency.totalCount === 0 ? 0 : latency.getValueAtPercentile(p) / 1000;
    return { p50: at(50), p95: at(95), p99: at(99) };
  }

  /** Milliseconds since the run started. */
  elapsed(now = epochMs()): number {
    return now - this.startedAt;
  }

  /** Takes one snapshot. */
  sample(
    state: RunState,
    stages: readonly StageInfo[],
    shutdown: ShutdownProgress,
    error?: string,
    broker?: BrokerSample,
    notice?: string,
  ): Snapshot {
    const now = epochMs();
    const t = this.elapsed(now);
    const local = stages.flatMap((s) => s.all);
    const board = this.board;
    const point: Point = { t, produced: 0, consumed: 0, workers: new Map() };
    for (const w of local) {
      point.workers.set(w.id, {
        items: board.items(w.slot),
        blocked: board.blockedMs(w.slot, now),
        blockedOut: board.blockedOutMs(w.slot, now),
        poolWaited: board.poolWaitedMs(w.slot, now),
      });
    }
    // Remote workers (a --broker run): no slot; a row that does not say is at its role's end of the chain.
    const remote = (broker?.remote ?? []).map((r, i) => {
      point.workers.set(r.id, { items: r.items, blocked: r.blockedMs, blockedOut: 0, poolWaited: 0 });
      const stage = r.stage ?? (r.role === 'producer' ? 0 : stages.length - 1);
      // Numbered after the run's own workers of the stage, so they are listed after them.
      return { ...r, stage, index: MAX_WORKERS_PER_ROLE + i, slot: -1 };
    });
    const workers: Array<WorkerInfo & { state?: WorkerRow['state'] }> = [...local, ...remote];
    for (const w of workers) {
      const { items } = point.workers.get(w.id)!;
      if (w.role === 'producer') point.produced += items;
      else if (w.role === 'consumer') point.consumed += items;
    }
    // On a broker the server counts every item, whoever handled it and whatever became of them.
    if (broker) [point.produced, point.consumed] = [broker.reading.put, broker.reading.acked];
    this.window.push(point);
    while (this.window.length > 2 && t - this.window[1]!.t >= WINDOW_MS) this.window.shift();
    const first = this.window[0]!;
    const span = t - first.t;
    const rate = (now_: number, then: number | undefined): number =>
      span > 0 ? ((now_ - (then ?? 0)) * 1000) / span : 0;
    /** The share of the window a worker spent on `field` (blocked, blocked on output, waiting for the pool). */
    const share = (id: string, field: (r: Reading) => number): number => {
      const delta = field(point.workers.get(id)!) - field(first.workers.get(id) ?? NONE);
      return span > 0 ? Math.min(1, Math.max(0, delta / span)) : 0;
    };

    const rows: WorkerRow[] = workers.map((w) => {
      const { items, blocked } = point.workers.get(w.id)!;
      const row: WorkerRow = {
        id: w.id,
        role: w.role,
        stage: w.stage,
        index: w.index,
        state: w.state ?? board.state(w.slot),
        items,
        rate: rate(items, first.workers.get(w.id)?.items),
        blockedFraction: share(w.id, (r) => r.blocked),
        blockedMs: blocked,
      };
      const held = this.heldMs(row, t);
      if (held > 0) row.heldMs = held;
      if (w.error !== undefined) row.error = w.error;
      return row;
    });
    /** The workers of one stage: each one's id, its slot on the board (-1: remote) and its row. */
    const inStage = (stage: number): Array<{ id: string; slot: number; row: WorkerRow }> =>
      workers.flatMap((w, i) => (w.stage === stage ? [{ id: w.id, slot: w.slot, row: rows[i]! }] : []));
    const slots = (ws: ReadonlyArray<{ slot: number }>): number[] => ws.map((w) => w.slot).filter((s) => s >= 0);
    const ids = (ws: ReadonlyArray<{ id: string }>): string[] => ws.map((w) => w.id);
    /** The remote workers of one stage. */
    const elsewhere = (stage: number) => remote.filter((r) => r.stage === stage);

    const stageRows = stages.map(({ spec }, i): StageRow => {
      const mine = inStage(i);
      const live = ids(mine.filter((w) => running(w.row)));
      // The chain's two ends count what the totals count (on a broker, the server's figures).
      const items =
        spec.role === 'producer'
          ? point.produced
          : spec.role === 'consumer'
            ? point.consumed
            : sum(mine, (w) => w.row.items);
      return {
        name: spec.name,
        role: spec.role,
        workers: mine.length,
        running: live.length,
        in: spec.role === 'producer' ? 0 : items,
        out:
          spec.role === 'producer'
            ? items
            : spec.role === 'stage'
              ? sum(slots(mine), (s) => board.out(s)) + sum(elsewhere(i), (r) => r.out ?? 0)
              : 0,
        dropped:
          spec.role === 'stage'
            ? sum(slots(mine), (s) => board.dropped(s)) + sum(elsewhere(i), (r) => r.dropped ?? 0)
            : 0,
        rate: sum(mine, (w) => w.row.rate),
        blockedOnInput: mean(live, (s) => share(s, (r) => r.blocked - r.blockedOut)),
        blockedOnOutput: mean(live, (s) => share(s, (r) => r.blockedOut)),
      };
    });

    const linkRows = this.links.map((link, i): LinkRow => {
      const { lockAcquisitions, lockContended, ...reading } = link.readings();
      this.acquisitions[i]!.update(lockAcquisitions);
      this.contended[i]!.update(lockContended);
      return {
        ...reading,
        putBlocked: inStage(i).filter((w) => w.row.state === 'blocked-full').length,
        getBlocked: inStage(i + 1).filter((w) => w.row.state === 'blocked-empty').length,
      };
    });

    const snapshot: Snapshot = {
      t,
      state,
      config: this.config,
      stages: stageRows,
      links: linkRows,
      totals: { produced: point.produced, consumed: point.consumed },
      rates: { produced: rate(point.produced, first.produced), consumed: rate(point.consumed, first.consumed) },
      latencyMs: this.latencyMs(),
      lock: {
        acquisitions: sum(this.acquisitions, (c) => c.total),
        contended: sum(this.contended, (c) => c.total),
      },
      workers: rows,
      shutdown: { ...shutdown },
    };
    if (this.config.pool !== undefined) {
      const consumers = inStage(stages.length - 1);
      const live = consumers.filter((w) => running(w.row));
      snapshot.pool = this.pool(this.poolSize() ?? this.config.pool, consumers, live, share);
      // On a broker the semaphore is the server's: its record covers every consumer, wherever it runs.
      const server = broker?.reading.pool;
      if (server) {
        const { inUse, maxInUse, acquisitions } = server;
        snapshot.pool = { ...snapshot.pool, inUse, maxInUse, acquisitions };
      }
    }
    if (broker) snapshot.broker = broker.reading;
    const bottleneck = this.bottlenecks.observe(snapshot);
    if (bottleneck !== undefined) snapshot.bottleneck = bottleneck;
    if (this.bottlenecks.withheld !== undefined) snapshot.noBottleneck = this.bottlenecks.withheld;
    if (error !== undefined) snapshot.error = error;
    if (notice !== undefined) snapshot.notice = notice;
    return deepFreeze(snapshot);
  }

  /** How long `row`'s worker has worked on its item in hand without its count moving (0: it moved, or it waits). */
  private heldMs(row: WorkerRow, t: number): number {
    const working = row.state === 'producing' || row.state === 'consuming';
    const last = this.holding.get(row.id);
    if (!working || last === undefined || last.items !== row.items) {
      this.holding.set(row.id, { items: row.items, since: t });
      return 0;
    }
    return t - last.since;
  }

  /** The pool's reading: the consumers' counters summed, the two shared words as they are. */
  private pool(
    size: number,
    consumers: ReadonlyArray<{ slot: number }>,
    live: ReadonlyArray<{ id: string }>,
    share: (id: string, field: (r: Reading) => number) => number,
  ): PoolReading {
    const board = this.board;
    const slots = consumers.map((w) => w.slot);
    return {
      size,
      inUse: board.poolInUse(),
      waiting: slots.filter((s) => board.poolWaiting(s)).length,
      maxInUse: board.poolMaxInUse(),
      acquisitions: sum(slots, (s) => board.poolAcquisitions(s)),
      waits: sum(slots, (s) => board.poolWaits(s)),
      waitedMs: sum(slots, (s) => board.poolWaitedMs(s)),
      waitedFraction: mean(live, (w) => share(w.id, (r) => r.poolWaited)),
    };
  }
}
