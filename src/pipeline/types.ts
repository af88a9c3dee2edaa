/**
 * The data that flows out of a pipeline run: configuration in, Snapshots while it runs, a Summary
 * at the end. Everything that shows a run (dashboard, plain/JSON output, metrics log, replay)
 * consumes exactly these types — see "One data path" in the README.
 * All of them are plain JSON-serialisable data.
 */

export type WorkKind = 'sleep' | 'spin';
export type ShutdownMode = 'sentinel' | 'close';

/** A validated pipeline configuration (see config.ts for defaults and checks). */
export interface PipelineConfig {
  producers: number;
  consumers: number;
  capacity: number;
  /** Total items to produce across all producers; undefined when `durationMs` bounds the run. */
  items: number | undefined;
  /** Produce for this long, then shut down; undefined when `items` bounds the run. */
  durationMs: number | undefined;
  /** Per-producer rate limit in items/s; undefined for as fast as possible. */
  rate: number | undefined;
  produceMs: number;
  consumeMs: number;
  /** Relative jitter of per-item work, 0..1 (0.2 = ±20 %). */
  jitter: number;
  work: WorkKind;
  /** User producer/consumer modules (paths or URLs); undefined for the built-in workload. */
  producer: string | undefined;
  consumer: string | undefined;
  shutdown: ShutdownMode;
  refreshMs: number;
  seed: number;
  /** End the run as 'stalled' if no item moves for this long while work remains. */
  stallMs: number;
}

export type WorkerRole = 'producer' | 'consumer';

export type WorkerState =
  | 'starting'
  | 'producing'
  | 'consuming'
  | 'blocked-full'
  | 'blocked-empty'
  | 'paused'
  | 'done'
  | 'failed';

export type RunState =
  | 'starting'
  | 'running'
  | 'paused'
  | 'draining'
  | 'shutting-down'
  | 'done'
  | 'failed'
  | 'stopped'
  | 'aborted'
  | 'stalled';

export interface WorkerRow {
  /** Stable display id, e.g. "P1", "C3". */
  id: string;
  role: WorkerRole;
  index: number;
  state: WorkerState;
  items: number;
  /** Items/s over the sampler's sliding window. */
  rate: number;
  /** Fraction 0..1 of the window spent blocked on the queue. */
  blockedFraction: number;
  blockedMs: number;
  error?: string;
}

export interface LatencyMs {
  p50: number;
  p95: number;
  p99: number;
}

export interface ShutdownProgress {
  mode: ShutdownMode;
  producersDone: number;
  producers: number;
  sentinelsSent: number;
  consumersExited: number;
  consumers: number;
  /** Milliseconds from the start of shutdown to the last consumer's exit, once done. */
  ms: number | undefined;
}

/** One immutable sample of a running pipeline, taken every refresh tick. */
export interface Snapshot {
  /** Milliseconds since the run started. */
  t: number;
  state: RunState;
  config: PipelineConfig;
  queue: {
    depth: number;
    capacity: number;
    highWater: number;
    putBlocked: number;
    getBlocked: number;
  };
  totals: { produced: number; consumed: number };
  /** Items/s over the sliding window. */
  rates: { produced: number; consumed: number };
  latencyMs: LatencyMs;
  lock: { acquisitions: number; contended: number };
  workers: WorkerRow[];
  shutdown: ShutdownProgress;
  error?: string;
}

/** stopped: a graceful stop (q, a first Ctrl-C or signal); aborted: torn down at once (a second one). */
export type EndedBy = 'completed' | 'stopped' | 'aborted' | 'failed' | 'stalled';

/** What a run reports when it ends (also the JSON printed by `--json`). */
export interface Summary {
  produced: number;
  consumed: number;
  durationMs: number;
  itemsPerSecond: number;
  latencyMs: LatencyMs;
  shutdown: { mode: ShutdownMode; sentinelsSent: number; consumersExited: number; ms: number | undefined };
  workers: Array<{ id: string; role: WorkerRole; items: number; state: WorkerState; blockedMs: number; error?: string }>;
  endedBy: EndedBy;
  error?: string;
}

/** Live controls the dashboard sends back to a run (never by reaching into workers). */
export interface PipelineControls {
  /** Graceful stop: producers stop, the queue drains, sentinels go out. A second call aborts. */
  stop(): void;
  abort(): void;
  pause(): void;
  resume(): void;
  addProducer(): void;
  removeProducer(): void;
  addConsumer(): void;
  removeConsumer(): void;
}
