/**
 * Where a run's items travel: the boundary between the engine (run-pipeline.ts, the cascade, the
 * sampler) and the queues. The engine runs a chain of links and crews of workers without knowing
 * what the links are; a backend gives it the links, starts its workers on them, and tells it what
 * it cannot see on its own board (workers that joined from elsewhere, a broker's figures and
 * troubles), and concludes the run.
 *
 *   shared memory (shared-memory-backend.ts): a BoundedQueue per link, workers in this process
 *   a Redis stream (src/broker/stream-backend.ts): the stream is the link, workers anywhere
 *
 * The engine never imports the stream side: it comes with the StreamLink the caller opened
 * (`RunOptions.broker`), so a shared-memory run never loads the Redis client.
 */
import type { Worker } from 'node:worker_threads';
import type { BoundedQueue } from '../queue/index.js';
import type { ChainStage } from './chain.js';
import type { ChainLink } from './link.js';
import type { PipelineBoard } from './metrics.js';
import type { BrokerSample } from './sampler.js';
import type { BrokerConfig, PipelineConfig, WorkerRole } from './types.js';

/** One worker to start: its place in the chain and on the board. */
export interface WorkerSeat {
  role: WorkerRole;
  /** Its stage in the chain (0: producers, last: consumers). */
  stage: number;
  index: number;
  slot: number;
  /** `P1`, `S2.1`, `C3`. */
  id: string;
}

/** Workers of one role that joined the run from elsewhere: how many, and how many have stopped. */
export interface RemoteTally {
  all: number;
  finished: number;
}

/** The run's `--pool`, resizable while the run goes (shared memory: run-pool.ts; a broker: broker-pool.ts). */
export interface ResizablePool {
  /** Permits the consumers may hold now (while a lowering waits for permits to come back, more). */
  readonly size: number;
  /** Makes it `size` permits; resolves once it is, or once closed. @throws PoolSizeError */
  resize(size: number): Promise<void>;
  /** The run is over: stops any lowering under way, lets go of what it holds. */
  close(): Promise<void> | void;
}

/** What the backend is started with, once the run's configuration is resolved. */
export interface BackendWiring {
  config: PipelineConfig;
  board: PipelineBoard;
  chain: readonly ChainStage[];
  /** False once the run has ended: a wait on a link (a sentinel's put) then gives up. */
  running: () => boolean;
}

export interface PipelineBackend {
  /** What the run's configuration records of the backend (a broker, redacted), if anything. */
  readonly shown?: BrokerConfig;
  /**
   * Opens the chain's links, link i between stage i and stage i + 1 (once, before any worker).
   */
  open(wiring: BackendWiring): readonly ChainLink[];
  /**
   * Gets ready for workers: undefined when they may start now, else a promise that settles when
   * they may (a broker: once the run is announced there), or rejects with why the run cannot start.
   */
  prepare(): Promise<void> | undefined;
  /** Starts one worker thread of this process on its links. */
  startWorker(seat: WorkerSeat): Worker;
  /**
   * Whether a failure may shut the links under the producers (shared memory). A stream cannot be
   * shut for workers elsewhere: its producers are retired instead, and give up waiting for room.
   */
  readonly shutsUnderProducers: boolean;
  /** Producers everywhere stop making items (the board tells this process's own). */
  stopping(): void;
  /** Workers of chain stage `stage` (0: producers, last: consumers) that joined from elsewhere. */
  remote(stage: number): RemoteTally;
  /** What a worker's failure is put down to, when the backend explains it (a broker's trouble). */
  blame(message: string): string | undefined;
  /** A trouble of the backend's own that fails the run (a broker lost for good), if any. */
  readonly fatal: string | undefined;
  /** The backend cannot tell what is happening now (a broker not answering): no stall verdict. */
  readonly unheard: boolean;
  /** Reads what the next snapshot shows (a stream's depth, remote rows); undefined: nothing to read. */
  refresh(): Promise<void> | undefined;
  /** What a snapshot adds for the backend (a broker's counts and remote workers). */
  sample(): BrokerSample | undefined;
  /**
   * The run has ended (`ok`: completed or stopped) and `exited` settles once its workers are gone:
   * `last` takes the final snapshot when the backend's last figures are in (a broker's final counts),
   * then the run is concluded there and connections are closed. Resolves with `last`'s value.
   */
  conclude<T>(ok: boolean, exited: Promise<unknown>, last: () => T): Promise<T>;
  /** The `--pool`, resizable during the run (once `open` has made it). */
  readonly pool?: ResizablePool | undefined;
  /** @internal for tests: the links' shared-memory queues (none on a stream). */
  readonly queues: readonly BoundedQueue<unknown>[];
}
