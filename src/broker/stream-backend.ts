/**
 * The stream backend: a `--broker` run's link is a Redis stream (its main side, StreamLink), its
 * workers are threads of stream-worker-main.ts that reach the stream with connections of their
 * own, and `pipeline-tui worker` processes elsewhere may join it. So the run is announced before
 * any worker starts, the remote workers' rows and the server's counts are read every tick, the
 * broker's troubles can fail the run, and at the end the run is concluded on the broker.
 *
 * With `--stage`, each link of the chain is a stream of its own (`<stream>:2`…, linkStream), and
 * stage workers, the run's and those that join from elsewhere, take from one and put on the next.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendWiring, PipelineBackend, RemoteTally, WorkerSeat } from '../pipeline/backend.js';
import type { ChainLink } from '../pipeline/link.js';
import type { BrokerSample } from '../pipeline/sampler.js';
import type { BrokerConfig } from '../pipeline/types.js';
import { ownModule, spawnWorker } from '../threads/spawn.js';
import { BrokerPool } from './broker-pool.js';
import { BrokerSemaphore } from './broker-semaphore.js';
import { poolName } from './remote-board.js';
import type { StreamLink } from './stream-link.js';
import type { StreamWiring, StreamWorkerData } from './stream-worker-main.js';

const STREAM_WORKER_MAIN = ownModule(import.meta.url, './stream-worker-main');

/** How long the end of a run waits on the broker (out of reach, its commands would wait for it). */
const LAST_WORD_MS = 2_000;

/** `promise` settled, or LAST_WORD_MS gone by, whichever comes first; never rejects. */
function settled(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, LAST_WORD_MS)));
  return Promise.race([promise.then(noop, noop), late]).finally(() => clearTimeout(timer));
}
const noop = (): void => {};

export class StreamBackend implements PipelineBackend {
  readonly shutsUnderProducers = false;
  readonly shown: BrokerConfig;
  private wiring!: BackendWiring;
  /** How the workers reach the stream, once the run is announced. */
  private stream: StreamWiring | undefined;
  /** The `--pool` semaphore's size on the server, resizable (broker-pool.ts). */
  pool: BrokerPool | undefined;

  constructor(private readonly link: StreamLink) {
    this.shown = link.shown;
  }

  /** Link 0 is the run's stream, each later one a stream of its own (StreamLink.chain). */
  open(wiring: BackendWiring): readonly ChainLink[] {
    this.wiring = wiring;
    const size = wiring.config.pool;
    if (size !== undefined) {
      const open = () =>
        BrokerSemaphore.open(this.stream!.address, { name: poolName(this.stream!.stream), value: size });
      this.pool = new BrokerPool(size, open, () => this.link.reading().pool?.inUse);
    }
    return this.link.chain(wiring.chain.length - 1);
  }

  /** The run is announced on the broker (with its budget) before any producer claims an item. */
  async prepare(): Promise<void> {
    const { config, running } = this.wiring;
    try {
      await this.link.announce(config, running);
    } catch (error) {
      throw new Error(`cannot announce the run on the broker: ${(error as Error).message}`);
    }
    this.stream = this.link.wiring();
  }

  /** A worker of the run: it reaches its links' streams with connections of its own. */
  startWorker(seat: WorkerSeat): Worker {
    const { config, board } = this.wiring;
    const workerData: StreamWorkerData = {
      ...seat,
      config,
      board: board.handle,
      boardStages: config.stages.length + 2,
      wiring: this.stream!,
    };
    return spawnWorker(STREAM_WORKER_MAIN, { workerData });
  }

  stopping(): void {
    void this.link.setPhase('stopping').catch(() => {}); // a lost broker fails the run on its own
  }

  remote(stage: number): RemoteTally {
    return this.link.remoteTally(stage);
  }

  blame(message: string): string | undefined {
    return this.link.blame(message);
  }

  get fatal(): string | undefined {
    return this.link.fatal;
  }

  get unheard(): boolean {
    return this.link.unheard;
  }

  /** Depth, the server's counts and the remote rows for the next snapshot. */
  refresh(): Promise<void> {
    return this.link.refresh();
  }

  sample(): BrokerSample {
    return { reading: this.link.reading(), remote: this.link.remote() };
  }

  /** The last snapshot waits for the server's final counts; then the run is over there too. */
  async conclude<T>(ok: boolean, exited: Promise<unknown>, last: () => T): Promise<T> {
    await exited;
    await settled(this.link.refresh());
    const value = last();
    await settled(this.link.conclude(ok ? 'done' : 'failed'));
    await settled(this.pool?.close() ?? Promise.resolve());
    await settled(this.link.disconnect());
    return value;
  }

  readonly queues = [];
}
