/**
 * The `--pool` of a shared-memory run, resizable while the run goes (`--autoscale` raises it).
 *
 * The consumers share a BoundedSemaphore of MAX_POOL permits, of which the main thread keeps back
 * all but `size` (its reserve). So the bound the consumers see is exactly `size`, and resizing
 * never touches a permit a consumer holds:
 *   raise by k   the main thread releases k of its reserve: waiting consumers wake at once;
 *   lower by k   the main thread takes k permits back into its reserve as consumers return them
 *                (acquireAsync, a slice at a time: it never blocks, never revokes a held one);
 *                `size` falls by one with each permit taken, so no more than `size` are ever in use.
 * Resizes run one after another; a new one waits for the one under way. The consumers' board
 * counts (in use, most in use) never include the reserve: they count what consumers held.
 */
import { BoundedSemaphore } from '../sync/bounded-semaphore.js';
import type { ResizablePool } from './backend.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';

/** The most permits a pool may have: as many as a stage may have workers. */
export const MAX_POOL = MAX_WORKERS_PER_ROLE;
/** Longest single wait for a returned permit while lowering (so a closed pool stops waiting soon). */
const SLICE_MS = 100;

/** Wrong size for a pool: says what is accepted. */
export class PoolSizeError extends RangeError {
  override name = 'PoolSizeError';
}

export class RunPool implements ResizablePool {
  readonly semaphore = new BoundedSemaphore(MAX_POOL);
  /** Permits the main thread keeps back from the consumers. */
  private reserve = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  /** @param size permits the consumers may hold at first, 1 to MAX_POOL. */
  constructor(size: number) {
    checkSize(size);
    for (; this.reserve < MAX_POOL - size; this.reserve++) this.semaphore.acquire({ blocking: false });
  }

  /** Permits the consumers may hold now (during a lowering, it falls as they return them). */
  get size(): number {
    return MAX_POOL - this.reserve;
  }

  /**
   * Makes the pool `size` permits, after any resize under way; resolves once it is (a lowering,
   * once enough permits came back), or once the pool is closed. @throws PoolSizeError
   */
  resize(size: number): Promise<void> {
    checkSize(size);
    this.queue = this.queue.then(() => this.resizeNow(size));
    return this.queue;
  }

  /** Stops any lowering under way (the run is over: no consumer returns permits any more). */
  close(): void {
    this.closed = true;
  }

  private async resizeNow(size: number): Promise<void> {
    if (size > this.size) {
      const k = size - this.size;
      this.reserve -= k;
      this.semaphore.release(k);
      return;
    }
    while (!this.closed && this.size > size) {
      if (await this.semaphore.acquireAsync({ timeout: SLICE_MS })) this.reserve++;
    }
  }
}

/** @throws PoolSizeError unless `size` is a whole number from 1 to MAX_POOL */
export function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL)
    throw new PoolSizeError(`a pool's size must be an integer from 1 to ${MAX_POOL}, got ${String(size)}`);
}
