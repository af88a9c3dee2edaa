/**
 * A link of the chain: the BoundedQueue between two stages, and how its downstream is told to
 * leave — one sentinel per downstream worker queued behind the items, or the queue shut down.
 * Only the main thread uses this object, and it never blocks on it: sentinels go out with
 * `putAsync`, a tick's wait at a time.
 */
import { BoundedQueue, QueueFull, SENTINEL } from '../queue/index.js';
import type { LinkRow, ShutdownMode } from './types.js';

/**
 * What the sampler reads off a link: its row but for who is blocked on it (the sampler counts that
 * from the workers' states), and the lock counters it sums into Snapshot.lock.
 */
export interface LinkReadings extends Omit<LinkRow, 'putBlocked' | 'getBlocked'> {
  lockAcquisitions: number;
  lockContended: number;
}

/**
 * What the run, the cascade and the sampler use of a link: this shared-memory Link, or a
 * StreamLink (src/broker/stream-link.ts) when the run's queue is a Redis stream.
 */
export interface ChainLink {
  sentinelsSent: number;
  sentinelsPending: number;
  ended: boolean;
  readonly closed: boolean;
  close(): void;
  /** Tells `count` downstream workers to leave, the way `mode` says (the cascade has reached it). */
  end(mode: ShutdownMode, count: number): void;
  sendSentinels(count: number): Promise<void>;
  sentinelTaken(): void;
  lockHolder(): number | undefined;
  readings(): LinkReadings;
}

export class Link implements ChainLink {
  readonly queue: BoundedQueue<unknown>;
  /** Sentinels put on it so far. */
  sentinelsSent = 0;
  /** Sentinels queued (or on their way) and not yet taken by a downstream worker. */
  sentinelsPending = 0;
  /** The cascade has reached it: its upstream has exited and its downstream was told to leave. */
  ended = false;

  /**
   * @param refreshMs how long one wait of a sentinel's put lasts before it checks `running` again
   * @param running false once the run has ended: a put still waiting on a full queue then gives up
   */
  constructor(
    capacity: number,
    private readonly refreshMs: number,
    private readonly running: () => boolean,
  ) {
    this.queue = new BoundedQueue({ capacity, stampItems: true });
  }

  get closed(): boolean {
    return this.queue.isShutDown;
  }

  /** Shuts the queue down: puts fail at once, gets drain what is left and then fail. */
  close(): void {
    if (!this.closed) this.queue.shutdown();
  }

  /** Shuts the queue down ("close", or it was already) or queues `count` sentinels behind the items. */
  end(mode: ShutdownMode, count: number): void {
    if (mode === 'close' || this.closed) this.close();
    else void this.sendSentinels(count);
  }

  /** Queues `count` sentinels behind the items, one after the other. */
  async sendSentinels(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.sentinelsPending++;
      if (!(await this.putWhileRunning(SENTINEL))) {
        this.sentinelsPending--;
        return;
      }
      this.sentinelsSent++;
    }
  }

  /** A downstream worker took one of the sentinels. */
  sentinelTaken(): void {
    this.sentinelsPending--;
  }

  /** The thread holding the queue's lock right now (0 or undefined: nobody). */
  lockHolder(): number | undefined {
    return this.queue.lockStats().holder;
  }

  readings(): LinkReadings {
    const s = this.queue.stats();
    const l = this.queue.lockStats();
    return {
      depth: s.depth,
      capacity: s.capacity,
      highWater: s.highWater,
      sentinelsSent: this.sentinelsSent,
      closed: s.shutDown,
      lockAcquisitions: l.acquisitions,
      lockContended: l.contended,
    };
  }

  /**
   * A put that waits a tick at a time: one still waiting on a full queue when the run ends
   * (aborted, stalled) would keep the process alive forever. False if the run ended first or the
   * queue was shut down (its downstream then drains and exits anyway).
   */
  private async putWhileRunning(item: unknown): Promise<boolean> {
    while (this.running()) {
      try {
        await this.queue.putAsync(item, { timeout: this.refreshMs });
        return true;
      } catch (error) {
        if (!(error instanceof QueueFull)) return false;
      }
    }
    return false;
  }
}
