/**
 * The shared-memory backend: a BoundedQueue per link (link.ts), every worker a thread of this
 * process (worker-main.ts) wired to its input and output links, the board and, for consumers, the
 * `--pool` (run-pool.ts: resizable during the run). Nothing joins from elsewhere and nothing needs
 * reading but the board.
 */
import type { Worker } from 'node:worker_threads';
import type { SharedHandle } from '../sync/shared-object.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import type { BackendWiring, PipelineBackend, RemoteTally, WorkerSeat } from './backend.js';
import { Link } from './link.js';
import { RunPool } from './run-pool.js';
import type { PipelineWorkerData } from './worker-main.js';

const WORKER_MAIN = ownModule(import.meta.url, './worker-main');
const NOBODY: RemoteTally = { all: 0, finished: 0 };

export class SharedMemoryBackend implements PipelineBackend {
  readonly shutsUnderProducers = true;
  readonly fatal = undefined;
  readonly unheard = false;
  private links: Link[] = [];
  private wiring!: BackendWiring;
  pool: RunPool | undefined;

  open(wiring: BackendWiring): readonly Link[] {
    const { config, chain, running } = wiring;
    this.wiring = wiring;
    this.links = chain.slice(1).map(() => new Link(config.capacity, config.refreshMs, running));
    this.pool = config.pool !== undefined ? new RunPool(config.pool) : undefined;
    return this.links;
  }

  prepare(): undefined {
    return undefined;
  }

  startWorker(seat: WorkerSeat): Worker {
    const { config, board } = this.wiring;
    const { links, pool } = this;
    const { role, stage } = seat;
    const workerData: PipelineWorkerData = {
      ...seat,
      config,
      board: board.handle,
      ...(stage > 0 ? { input: links[stage - 1]!.queue.handle } : {}),
      ...(stage < links.length ? { output: links[stage]!.queue.handle } : {}),
      ...(role === 'consumer' && pool !== undefined
        ? { pool: pool.semaphore.handle as SharedHandle<'BoundedSemaphore'> }
        : {}),
    };
    return spawnWorker(WORKER_MAIN, { workerData });
  }

  stopping(): void {}

  remote(): RemoteTally {
    return NOBODY;
  }

  blame(): undefined {
    return undefined;
  }

  refresh(): undefined {
    return undefined;
  }

  sample(): undefined {
    return undefined;
  }

  /** The final snapshot at once (the board has the last figures); resolved once the workers are gone. */
  async conclude<T>(_ok: boolean, exited: Promise<unknown>, last: () => T): Promise<T> {
    this.pool?.close();
    const value = last();
    await exited;
    return value;
  }

  get queues() {
    return this.links.map((link) => link.queue);
  }
}
