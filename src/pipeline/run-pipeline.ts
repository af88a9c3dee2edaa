/**
 * runPipeline and startPipeline: the library's way to run a pipeline. A run is its engine
 * (run-engine.ts: the chain, the cascade, the sampler, the run's life) over a backend (backend.ts:
 * where the items travel — shared memory, or the Redis stream of `options.broker`), steered by its
 * controls (run-controls.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { StreamLink } from '../broker/stream-link.js';
import type { BoundedQueue } from '../queue/index.js';
import type { AutoscaleOptions } from './autoscale.js';
import { AutoscaleDriver } from './autoscale-driver.js';
import type { PipelineBackend } from './backend.js';
import { resolveConfig } from './config.js';
import { controlsOf } from './run-controls.js';
import { RunEngine } from './run-engine.js';
import { SharedMemoryBackend } from './shared-memory-backend.js';
import type { PipelineConfig, PipelineControls, Snapshot, Summary } from './types.js';

export interface RunOptions {
  /** Called with every Snapshot, about every `refreshMs`, and once more at the end. */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Aborting it asks for a graceful stop (like pressing q). */
  signal?: AbortSignal;
  /**
   * The run's queue on a Redis stream instead of shared memory: a link opened with
   * `StreamLink.open(url, { stream })` from `pipeline-tui/broker`. The run announces itself there,
   * so that `pipeline-tui worker` processes can join it, and closes the link's connection at its end.
   */
  broker?: StreamLink;
  /**
   * Grow the run where the bottleneck judge points, keeping each worker only if it raised the
   * throughput (autoscale.ts): true, or `{ max }` workers in all. Its decisions ride on the snapshots.
   */
  autoscale?: AutoscaleOptions | boolean;
}

/** A started run: its controls, and the Summary it resolves to. */
export interface PipelineRun extends PipelineControls {
  readonly done: Promise<Summary>;
  /** The latest snapshot taken. */
  latest(): Snapshot | undefined;
  /** @internal fault injection and diagnostics for tests: the links' queues and the workers' handles. */
  readonly internals: { links: BoundedQueue<unknown>[]; worker(id: string): Worker | undefined };
}

/** Runs a pipeline to its end and resolves with its Summary (it never rejects for worker faults). */
export function runPipeline(config: Partial<PipelineConfig>, options: RunOptions = {}): Promise<Summary> {
  return startPipeline(config, options).done;
}

/** Starts a pipeline and returns its live controls. @throws ConfigError for bad configuration. */
export function startPipeline(input: Partial<PipelineConfig>, options: RunOptions = {}): PipelineRun {
  const backend: PipelineBackend = options.broker?.backend() ?? new SharedMemoryBackend();
  const config = resolveConfig(backend.shown ? { ...input, broker: backend.shown } : input);
  let autoscaler: AutoscaleDriver | undefined;
  const observer = options.autoscale
    ? {
        observe: (snapshot: Snapshot) => autoscaler!.observe(snapshot, controls),
        conclude: (summary: Summary) => autoscaler!.conclude(summary),
      }
    : undefined;
  const engine = new RunEngine(config, backend, options.onSnapshot, observer);
  // Made once the backend has opened its links (and its pool, if it can resize one); before any worker starts.
  if (options.autoscale) autoscaler = new AutoscaleDriver(config, options.autoscale, backend.pool !== undefined);
  const controls = controlsOf(engine);
  engine.start();
  listenForAbort(options.signal, controls, engine.done);
  const internals = {
    links: [...backend.queues],
    worker: (id: string) => engine.workers().find((w) => w.id === id)?.worker,
  };
  return { ...controls, done: engine.done, latest: () => engine.latest, internals };
}

/** An aborted `signal` asks for a graceful stop (like pressing q), until the run is over. */
function listenForAbort(signal: AbortSignal | undefined, controls: PipelineControls, done: Promise<unknown>): void {
  if (signal === undefined) return;
  const onAbort = (): void => controls.stop();
  signal.addEventListener('abort', onAbort);
  void done.finally(() => signal.removeEventListener('abort', onAbort));
  if (signal.aborted) controls.stop();
}
