/**
 * The data that flows out of a pipeline run: configuration in, Snapshots while it runs, a Summary
 * at the end. Everything that shows a run (dashboard, plain/JSON output, metrics log, replay)
 * consumes exactly these types — see docs/how-it-works.md, "From the workers to the screen".
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
  /** `--stage module[=N]`, in order: transforms between the producers and the consumers ([] = one link). */
  stages: readonly StageConfig[];
  /** `--pool N`: at most N consumers work at once (a BoundedSemaphore they share); undefined = no pool. */
  pool: number | undefined;
  /**
   * `--broker URL --stream NAME`: the queue is a Redis stream with a consumer group (undefined:
   * the shared-memory queue). Only the redacted address is kept: the password never reaches a
   * Snapshot, a recording or a log.
   */
  broker?: BrokerConfig | undefined;
}

/** The stream a `--broker` run uses as its queue. */
export interface BrokerConfig {
  /** The broker's URL with its password replaced by `***`. */
  address: string;
  stream: string;
  group: string;
  /** Entries a consumer left unacknowledged this long are claimed by the others. */
  claimIdleMs: number;
}

/** The broker's figures for a `--broker` run, as the server counts them. */
export interface BrokerReading extends BrokerConfig {
  /** Items added to the stream, acknowledged, and acknowledged a second time (delivered twice). */
  put: number;
  acked: number;
  duplicates: number;
  /** Workers that joined from other processes or machines (`pipeline-tui worker`). */
  remoteWorkers: number;
  /** Set while the broker is out of reach and being retried. */
  lost?: string;
  /** The `--pool` semaphore as the server records it (every consumer's, wherever it runs). */
  pool?: { inUse: number; maxInUse: number; acquisitions: number; expired: number };
}

/** One `--stage module[=N]`: N workers taking from one link and putting on the next. */
export interface StageConfig {
  /** Path or URL of a module exporting `transform(item, ctx)`, sync or async (undefined drops the item). */
  module: string;
  /** How it is shown everywhere: the module's file name without its extension ("keep-odd"). */
  name: string;
  workers: number;
}

/** A stage worker is a consumer of one link and a producer of the next. */
export type WorkerRole = 'producer' | 'stage' | 'consumer';

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
  /** Stable display id, e.g. "P1", "C3", "S1.2" (stage 1's second worker). */
  id: string;
  role: WorkerRole;
  /** Index into Snapshot.stages: 0 for producers, the last for consumers. */
  stage: number;
  /** The worker's number within its stage, from 0. */
  index: number;
  state: WorkerState;
  items: number;
  /** Items/s over the sampler's sliding window. */
  rate: number;
  /** Fraction 0..1 of the window spent blocked on its queues (waiting for items or for room). */
  blockedFraction: number;
  blockedMs: number;
  /**
   * Present while it works on one item (producing or consuming) and its count has not moved since
   * the last sample: how long it has held that item so far, to the refresh tick.
   */
  heldMs?: number;
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
  /** Sentinels put on the consumers' queue, the last link (every link's own count is in Snapshot.links). */
  sentinelsSent: number;
  consumersExited: number;
  consumers: number;
  /** Milliseconds from the start of shutdown to the last consumer's exit, once done. */
  ms: number | undefined;
}

/**
 * One group of workers in the chain. `Snapshot.stages` is always the whole chain, in order:
 * the producers, each `--stage`, the consumers; `Snapshot.links[i]` joins stages i and i + 1.
 * A run without `--stage` is the chain of length one: two stages and one link.
 */
export interface StageRow {
  /** "producers", the stage's module name ("keep-odd"), or "consumers". */
  name: string;
  role: WorkerRole;
  /** Workers started in this stage, and how many of them are still running. */
  workers: number;
  running: number;
  /** Items taken from the input link (0 for producers). */
  in: number;
  /** Items put on the output link (0 for consumers). */
  out: number;
  /** Items the stage's transform dropped by returning undefined (0 for producers and consumers). */
  dropped: number;
  /** Items/s over the sliding window: made (producers) or taken (stages, consumers). */
  rate: number;
  /** Mean share (0..1) of its workers' time, over the window, blocked on an empty input link. */
  blockedOnInput: number;
  /** Mean share (0..1) of its workers' time, over the window, blocked on a full output link. */
  blockedOnOutput: number;
}

/** One bounded queue between two stages. */
export interface LinkRow {
  depth: number;
  capacity: number;
  highWater: number;
  /** Workers blocked right now putting on it (full) and getting from it (empty). */
  putBlocked: number;
  getBlocked: number;
  /** Sentinels put on it so far (sentinel shutdown), one per downstream worker. */
  sentinelsSent: number;
  /** Shut down (close shutdown, or a failure). */
  closed: boolean;
}

/** The `--pool` BoundedSemaphore the consumers share, as they measured it in shared memory. */
export interface PoolReading {
  size: number;
  inUse: number;
  waiting: number;
  /** Most permits held at once: measured by the workers, so it proves the limit held. */
  maxInUse: number;
  acquisitions: number;
  /** Acquisitions that had to wait for a permit, and the time spent waiting. */
  waits: number;
  waitedMs: number;
  /** Share (0..1) of the consumers' time, over the window, spent waiting for a permit. */
  waitedFraction: number;
}

/** The stage that holds the others back, and why (src/pipeline/bottleneck.ts decides, steadily). */
export interface Bottleneck {
  /** Index into Snapshot.stages. */
  stage: number;
  /** Its name as shown: "keep-odd", "producers", "consumers", "the pool". */
  name: string;
  /** The evidence: "its input queue is full and upstream is blocked 76 % of the time". */
  evidence: string;
  /** What to try, if anything: "press + to add a worker". */
  advice?: string;
}

/** One decision of `--autoscale` (src/pipeline/autoscale.ts): "+1 consumer → 1,180/s (+21 %)". */
export interface AutoscaleDecision {
  /** Milliseconds since the run started. */
  t: number;
  text: string;
}

/** What `--autoscale` is doing, in a snapshot: its latest decisions and whether it has finished. */
export interface AutoscaleReading {
  /** Decisions made so far; `recent` holds the last few of them, oldest first. */
  decided: number;
  recent: AutoscaleDecision[];
  /** Settled or stopped: it adds no more workers. */
  done: boolean;
}

/** One immutable sample of a running pipeline, taken every refresh tick. */
export interface Snapshot {
  /** Milliseconds since the run started. */
  t: number;
  state: RunState;
  config: PipelineConfig;
  /** The chain: producers, each stage, consumers (see StageRow). */
  stages: StageRow[];
  /** links[i] joins stages[i] and stages[i + 1]. */
  links: LinkRow[];
  /** Present when the run has `--pool`. */
  pool?: PoolReading;
  /** Present once a stage clearly holds the run back. */
  bottleneck?: Bottleneck;
  /**
   * Why no stage is named now, when the run cannot support a verdict: "paused", "the broker is
   * lost", "C2 has held one item for 8.0s" (the judge keeps its verdict for when it can again).
   */
  noBottleneck?: string;
  /** Present for a `--broker` run: the stream as the server counts it. */
  broker?: BrokerReading;
  /** Items made by the producers, and taken by the consumers (the chain's two ends). */
  totals: { produced: number; consumed: number };
  /** Items/s over the sliding window. */
  rates: { produced: number; consumed: number };
  latencyMs: LatencyMs;
  lock: { acquisitions: number; contended: number };
  workers: WorkerRow[];
  shutdown: ShutdownProgress;
  error?: string;
  /** Why a request from the keys was refused, for a few seconds ("- keeps the last of …"). */
  notice?: string;
  /** Present for a run with `--autoscale`. */
  autoscale?: AutoscaleReading;
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
  /** producersDone, producers and consumers: absent from logs of version 0.1.0 and before. */
  shutdown: { mode: ShutdownMode; sentinelsSent: number; consumersExited: number; ms: number | undefined } & Partial<
    Pick<ShutdownProgress, 'producersDone' | 'producers' | 'consumers'>
  >;
  /** The chain's stages as they ended (producers, each stage, consumers). */
  stages: Array<{ name: string; workers: number; in: number; out: number; dropped: number }>;
  /** Each link as it ended; sentinelsSent and closed, for the cascade, are absent from older logs. */
  links: Array<{ capacity: number; highWater: number } & Partial<Pick<LinkRow, 'sentinelsSent' | 'closed'>>>;
  pool?: { size: number; maxInUse: number; acquisitions: number; waits: number; waitedMs: number };
  /** The judge's verdict when the run ended (it stands through the drain), if it named one. */
  bottleneck?: Bottleneck;
  /** Why none is named though the run may have one, when it ended (Snapshot.noBottleneck). */
  noBottleneck?: string;
  /** A `--broker` run: where, and how many items were delivered twice (at-least-once delivery). */
  broker?: { address: string; stream: string; group: string; duplicates: number; remoteWorkers: number };
  workers: Array<{
    id: string;
    role: WorkerRole;
    stage: number;
    items: number;
    state: WorkerState;
    blockedMs: number;
    error?: string;
  }>;
  endedBy: EndedBy;
  error?: string;
  /** The stack of the error that failed the run, as the worker threw it (the user's own frames among it). */
  stack?: string;
  /** A run with `--autoscale`: every decision, and the counts it settled on as flags to paste. */
  autoscale?: {
    decisions: AutoscaleDecision[];
    /** Workers per stage, producers first, when it finished (or when the run ended). */
    workers: number[];
    /** The pool's size then, for a run with `--pool`. */
    pool?: number;
    /** Those counts as flags: "-p 1 -c 8" (and "--pool N"). */
    flags: string;
    done: boolean;
  };
}

/** Live controls the dashboard sends back to a run (never by reaching into workers). */
export interface PipelineControls {
  /** Graceful stop: producers stop, the queue drains, sentinels go out. Asking again changes nothing. */
  stop(): void;
  /** Ends the run at once: workers are terminated, what is in the queues is left there. */
  abort(): void;
  pause(): void;
  resume(): void;
  /** Adds a worker to stage `stage` (index into Snapshot.stages: 0 producers, last consumers). */
  addWorker(stage: number): void;
  /** Removes one: a producer is retired, a stage worker or consumer is sent a sentinel. */
  removeWorker(stage: number): void;
  /**
   * Makes the `--pool` `size` permits (1 to 64): a raise at once, a lowering as the consumers
   * return permits (none held is taken back). A run without a pool refuses it with a notice.
   * @throws PoolSizeError for a bad size. Absent on a replay.
   */
  resizePool?(size: number): void;
}

/** The controls of a run the command shows: a live pipeline's, or a replay's, which can also step. */
export interface RunControls extends PipelineControls {
  /** One snapshot back (-1) or forward (+1) while paused; only a replay has it. */
  step?(delta: -1 | 1): void;
}

/**
 * What the dashboard's keys drive: a run's controls with its stop requests counted, once, by
 * src/cli/interrupts.ts — `stop()` (q) asks for a graceful stop and never aborts; `interrupt()`
 * (Ctrl-C) is a stop request counted with the signals: the first stops gracefully, the next aborts.
 */
export interface DashboardControls extends RunControls {
  interrupt(): void;
}
