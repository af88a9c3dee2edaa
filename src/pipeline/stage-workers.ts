/**
 * The workers of one stage of the chain: starting them (the backend wires each to its links) and
 * knowing which are still running.
 */
import type { Worker } from 'node:worker_threads';
import type { PipelineBackend } from './backend.js';
import { type ChainStage, workerId } from './chain.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';
import { type PipelineBoard, slotOf } from './metrics.js';
import type { WorkerInfo } from './sampler.js';
import type { WorkerMessage } from './worker-life.js';

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
  board: PipelineBoard;
  /** Starts each worker on its links. */
  backend: PipelineBackend;
  events: WorkerEvents;
}

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
    const { board, backend, events } = this.crewing;
    const { stage } = this;
    const { role } = this.spec;
    const index = this.all.length;
    const slot = slotOf(stage, index);
    const id = workerId(role, stage, index);
    board.setState(slot, 'starting');
    const worker = backend.startWorker({ role, stage, index, slot, id });
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
