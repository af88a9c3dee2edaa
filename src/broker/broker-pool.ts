/**
 * The `--pool` of a run on a broker, resizable while the run goes: the consumers' BrokerSemaphore
 * (`<stream>:pool`), whose bound the run's main thread sets on the server (BrokerSemaphore.resize)
 * for every consumer, its own and those of `worker` processes. A raise wakes waiting consumers at
 * once; a lowering revokes no permit: none is given out until fewer than the new size are held,
 * so the size shown is the larger of the new size and the permits still held (the server's count,
 * as the last refresh read it), falling as they come back.
 */
import type { ResizablePool } from '../pipeline/backend.js';
import { checkSize } from '../pipeline/run-pool.js';
import type { BrokerSemaphore } from './broker-semaphore.js';

export class BrokerPool implements ResizablePool {
  private bound: number;
  private semaphore: Promise<BrokerSemaphore> | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    size: number,
    /** Opens the run's semaphore on a connection of its own (once the run is announced). */
    private readonly open: () => Promise<BrokerSemaphore>,
    /** Permits held now, as the server last said (undefined: not read yet). */
    private readonly inUse: () => number | undefined,
  ) {
    this.bound = size;
  }

  get size(): number {
    return Math.max(this.bound, this.inUse() ?? 0);
  }

  /** Sets the bound on the server, after any resize under way. @throws PoolSizeError */
  resize(size: number): Promise<void> {
    checkSize(size);
    this.bound = size;
    this.queue = this.queue.then(async () => {
      this.semaphore ??= this.open();
      await (await this.semaphore).resize(size);
    });
    // A broker out of reach fails the run on its own; a resize it missed is not retried.
    this.queue = this.queue.catch(() => {});
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue;
    await (await this.semaphore?.catch(() => undefined))?.close();
  }
}
