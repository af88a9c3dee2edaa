/**
 * The workers of one stage of the chain: starting them (each wired to its input and output links,
 * the board and, for consumers, the pool) and knowing which are still running.
 */
import type { Worker } from 'node:worker_threads';
import type { StreamWiring, StreamWorkerData } from '../broker/stream-worker-main.js';
import type { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import type { SharedHandle } from '../sync/shared-object.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import { type ChainStage, workerId } from './chain.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';
import type { Link } from './link.js';
import { type PipelineBoard, slotOf } from './metrics.js';
import type { WorkerInfo } from './sampler.js';
import type { PipelineConfig } from './types.js';
import type { WorkerMessage } from './worker-life.js';
import type { PipelineWorkerData } from './worker-main.js';

export interface RunningWorker extends WorkerInfo {
  worker: Worker;
  threadId: number;
  /** It took its sentinel: it is on its way out, though it may not have exited yet. */
  leaving: boolean;
  exited: boolean;
}

/** What happens to a run's workers, as the run hears of it. */
export interface WorkerEvents {
  message(w: RunningWorker, message: WorkerMessage): void;
  error(w: RunningWorker, message: string, stack?: string): void;
  exit(w: RunningWorker, code: number): void;
}

/** What every stage's workers are started with. */
export interface Crewing {
  config: PipelineConfig;
  board: PipelineBoard;
  links: readonly Link[];
  pool: BoundedSemaphore | undefined;
  events: WorkerEvents;
  /** A `--broker` run: its producers and consumers work on the stream instead of `links`. */
  stream?: StreamWiring;
}

const WORKER_MAIN = ownModule(import.meta.url, './worker-main');
const STREAM_WORKER_MAIN = ownModule(import.meta.url, '../broker/stream-worker-main');

export class StageWorkers {
  /** Every worker the stage has started, in order, running or not. */
  readonly all: RunningWorker[] = [];

  constructor(
    /** Its place in the chain: 0 producers, last consumers. */
    readonly stage: number,
    readonly spec: ChainStage,
    private readonly crewing: Crewing,
  ) {}

  /** Starts one more worker; false when the stage already has the most it may have. */
  add(): boolean {
    if (this.all.length >= MAX_WORKERS_PER_ROLE) return false;
    const { config, board, events, stream } = this.crewing;
    const { stage } = this;
    const { role } = this.spec;
    const index = this.all.length;
    const slot = slotOf(stage, index);
    const id = workerId(role, stage, index);
    board.setState(slot, 'starting');
    const worker = stream
      ? this.streamWorker({ role: role as StreamWorkerData['role'], index, slot, id, config, wiring: stream })
      : spawnWorker(WORKER_MAIN, { workerData: this.workerData(role, index, slot, id) });
    const w: RunningWorker = {
      id,
      role,
      stage,
      index,
      slot,
      worker,
      threadId: worker.threadId,
      leaving: false,
      exited: false,
    };
    this.all.push(w);
    worker.on('message', (message: WorkerMessage) => events.message(w, message));
    worker.on('error', (e) => events.error(w, e.message, e.stack));
    worker.on('exit', (code) => events.exit(w, code));
    return true;
  }

  /** A worker of the shared-memory chain: wired to its input and output links (and the pool). */
  private workerData(role: ChainStage['role'], index: number, slot: number, id: string): PipelineWorkerData {
    const { config, board, links, pool } = this.crewing;
    const { stage } = this;
    return {
      role,
      stage,
      index,
      slot,
      id,
      config,
      board: board.handle,
      ...(stage > 0 ? { input: links[stage - 1]!.queue.handle } : {}),
      ...(stage < links.length ? { output: links[stage]!.queue.handle } : {}),
      ...(role === 'consumer' && pool !== undefined ? { pool: pool.handle as SharedHandle<'BoundedSemaphore'> } : {}),
    };
  }

  /** A producer or consumer of a `--broker` run: it reaches the stream with its own connection. */
  private streamWorker(data: Omit<StreamWorkerData, 'board' | 'boardStages'>): Worker {
    const { board, config } = this.crewing;
    const workerData: StreamWorkerData = { ...data, board: board.handle, boardStages: config.stages.length + 2 };
    return spawnWorker(STREAM_WORKER_MAIN, { workerData });
  }

  alive(): RunningWorker[] {
    return this.all.filter((w) => !w.exited);
  }

  /** Workers running and not yet told to leave by a sentinel they took. */
  staying(): number {
    return this.all.filter((w) => !w.exited && !w.leaving).length;
  }

  get exited(): number {
    return this.all.filter((w) => w.exited).length;
  }

  /** Every worker it started has exited. */
  get done(): boolean {
    return this.all.every((w) => w.exited);
  }
}
