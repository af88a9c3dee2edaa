/**
 * One link of a `--broker` run's chain, as the run's main thread drives it: a Redis stream
 * (linkStream: the run's stream for the first link, `<stream>:2`… for the links after a stage)
 * with the surface of the engine's shared-memory Link (ChainLink), so the cascade and the sampler
 * drive either one the same way. StreamLink is the first link (and the run's side on the broker);
 * the chain's later links are hops of their own on its connection.
 *
 * How its downstream is told to leave, as the broker imposes it: the sentinels go out once the
 * stream has drained (every entry acknowledged, including those claimed from a dead worker), not
 * behind the items, so a worker that stops at its sentinel leaves nothing behind, wherever it
 * runs; and the last ones count the remote workers of the downstream stage still running too.
 * `close()` (a failure) cannot shut a stream for workers elsewhere: it stops the sentinels from
 * waiting for the drain, so the workers that are left are told to leave at once.
 */
import type { ChainLink, LinkReadings } from '../pipeline/link.js';
import type { ShutdownMode } from '../pipeline/types.js';
import type { StreamQueue } from './stream-queue.js';

/** What a hop needs of its run. */
export interface HopRun {
  /** The run's --capacity (0 until the run is announced). */
  readonly capacity: number;
  readonly refreshMs: number;
  /** False once the run has ended: a wait for the drain gives up. */
  running(): boolean;
  /** Reads the remote rows (and every link's depth) now. */
  refresh(): Promise<void>;
  /** Remote workers of chain stage `stage` that have not stopped. */
  remoteStaying(stage: number): number;
  /** A command the broker refused (out of memory, say): recorded as the run's trouble. */
  refused(error: unknown): void;
}

export class StreamHop implements ChainLink {
  sentinelsSent = 0;
  sentinelsPending = 0;
  ended = false;
  private isClosed = false;
  private depth = 0;
  private highWater = 0;
  /** Set by the owner: StreamLink is its own run. */
  protected run!: HopRun;

  /** @param link its place in the chain: link i joins stage i and stage i + 1 */
  constructor(
    readonly queue: StreamQueue,
    readonly link: number,
    run?: HopRun,
  ) {
    if (run !== undefined) this.run = run;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.isClosed = true;
  }

  /** Sentinels for `count` downstream workers, and for the remote ones still running. */
  end(mode: ShutdownMode, count: number): void {
    if (mode === 'close') this.close();
    // A broker that refuses them (out of memory) fails the run; a lost one fails it on its own.
    void this.sendSentinels(count).catch((error: unknown) => this.run.refused(error));
  }

  /**
   * Adds `count` sentinels. Once the link has ended (the run's last sentinels), it first waits for
   * the stream to drain (unless closed), and adds one more for each remote downstream worker still running.
   */
  async sendSentinels(count: number): Promise<void> {
    const { run } = this;
    const remote = (): number => (this.ended ? run.remoteStaying(this.link + 1) : 0);
    this.sentinelsPending += count;
    // The last sentinels wait for the drain; one that dismisses a worker mid-run need not.
    while (this.ended && !this.isClosed && run.running() && (await this.queue.depth()) > 0) {
      await new Promise((r) => setTimeout(r, Math.min(run.refreshMs, 50)));
    }
    if (!run.running()) {
      this.sentinelsPending -= count;
      return;
    }
    await run.refresh();
    const total = count + remote();
    if (total <= 0) return;
    await this.queue.putSentinels(total);
    this.sentinelsSent += total;
  }

  sentinelTaken(): void {
    this.sentinelsPending--;
  }

  /** No lock holder: Redis has no lock a worker could die holding. */
  lockHolder(): undefined {
    return undefined;
  }

  /** The depth as last read (the entries waiting to be read, as the capacity counts). */
  readDepth(depth: number): void {
    this.depth = depth;
    this.highWater = Math.max(this.highWater, depth);
  }

  /** There is no lock to report (Redis serialises the commands itself): its counters stay 0. */
  readings(): LinkReadings {
    return {
      depth: this.depth,
      capacity: this.run.capacity,
      highWater: this.highWater,
      sentinelsSent: this.sentinelsSent,
      closed: this.isClosed,
      lockAcquisitions: 0,
      lockContended: 0,
    };
  }
}
