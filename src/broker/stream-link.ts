/**
 * A link of the chain on a Redis Stream: the main thread's side of a `--broker` run, with the
 * surface the engine's shared-memory Link has (sentinels, readings, close), so the cascade and
 * the sampler drive either one the same way. The workers put and get through their own
 * StreamQueue connections; this side only counts, watches the depth and sends sentinels.
 *
 * Differences that the broker imposes, by design:
 * - Sentinels go out once the stream has drained (every entry acknowledged, including those that
 *   had to be claimed from a dead consumer), not behind the items: a consumer that stops at its
 *   sentinel then leaves nothing behind, wherever it runs.
 * - `readings()` is synchronous, as the sampler wants it: the depth (XLEN) is read by `refresh()`,
 *   which the run calls once per tick, and readings return the last one.
 * - There is no lock to report (Redis serialises the commands itself): its counters stay 0.
 * - `close()` (a failure, or shutdown "close") cannot shut a stream for workers elsewhere; it
 *   stops new sentinels from waiting for the drain, so the consumers that are left are told to
 *   leave at once.
 */
import type { StreamQueue } from './stream-queue.js';

export interface StreamLinkReadings {
  depth: number;
  capacity: number;
  highWater: number;
  sentinelsSent: number;
  closed: boolean;
  lockAcquisitions: number;
  lockContended: number;
}

export class StreamLink {
  /** Sentinels put on the stream so far. */
  sentinelsSent = 0;
  /** Sentinels sent or on their way and not yet taken by a downstream worker. */
  sentinelsPending = 0;
  /** The cascade has reached it. */
  ended = false;
  private isClosed = false;
  private depth = 0;
  private highWater = 0;

  /**
   * @param queue the main thread's connection to the stream (no consumer name needed)
   * @param running false once the run has ended: a sentinel still waiting for the drain gives up
   */
  constructor(
    readonly queue: StreamQueue,
    private readonly refreshMs: number,
    private readonly running: () => boolean,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.isClosed = true;
  }

  /** Reads the stream's depth (call once per tick, before the sampler reads `readings()`). */
  async refresh(): Promise<void> {
    this.depth = await this.queue.depth();
    this.highWater = Math.max(this.highWater, this.depth);
  }

  /** Waits for the stream to drain (unless closed), then adds `count` sentinels. */
  async sendSentinels(count: number): Promise<void> {
    if (count <= 0) return;
    this.sentinelsPending += count;
    while (!this.isClosed && this.running() && (await this.queue.depth()) > 0) {
      await new Promise((r) => setTimeout(r, Math.min(this.refreshMs, 50)));
    }
    if (!this.running()) {
      this.sentinelsPending -= count;
      return;
    }
    await this.queue.putSentinels(count);
    this.sentinelsSent += count;
  }

  /** A downstream worker took one of the sentinels. */
  sentinelTaken(): void {
    this.sentinelsPending--;
  }

  /** No lock holder: Redis has no lock a worker could die holding. */
  lockHolder(): undefined {
    return undefined;
  }

  readings(): StreamLinkReadings {
    return {
      depth: this.depth,
      capacity: this.queue.capacity,
      highWater: this.highWater,
      sentinelsSent: this.sentinelsSent,
      closed: this.isClosed,
      lockAcquisitions: 0,
      lockContended: 0,
    };
  }
}
