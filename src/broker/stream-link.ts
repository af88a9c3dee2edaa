/**
 * The link of a `--broker` run: its queue is a Redis stream with a consumer group, and this is the
 * main thread's side of it, with the surface of the engine's shared-memory Link (ChainLink), so
 * the cascade and the sampler drive either one the same way. Workers put and get through their
 * own connections (stream-worker-main.ts); this side announces the run, counts, watches the depth
 * and the remote workers' rows, and sends the sentinels.
 *
 * Differences that the broker imposes, by design:
 * - Sentinels go out once the stream has drained (every entry acknowledged, including those that
 *   had to be claimed from a dead consumer), not behind the items: a consumer that stops at its
 *   sentinel then leaves nothing behind, wherever it runs. The last ones count the remote
 *   consumers still running too, so the run's sentinels reach them.
 * - `readings()` is synchronous, as the sampler wants it: `refresh()`, which the run calls once a
 *   tick, reads the depth (XLEN), the server's counts and the remote rows, and readings return the
 *   last ones.
 * - There is no lock to report (Redis serialises the commands itself): its counters stay 0.
 * - `close()` (a failure) cannot shut a stream for workers elsewhere; it stops the sentinels from
 *   waiting for the drain, so the consumers that are left are told to leave at once.
 * - A broker that goes away is retried (connect.ts); `lost` says so meanwhile, and `gone` once it
 *   has not come back in time: the run then fails.
 */
import { randomUUID } from 'node:crypto';
import type { ChainLink, LinkReadings } from '../pipeline/link.js';
import type { BrokerConfig, BrokerReading, PipelineConfig, ShutdownMode, WorkerRole } from '../pipeline/types.js';
import { type BrokerAddress, hostPort, parseBrokerUrl } from './broker-url.js';
import {
  announceRun,
  type RemoteWorkerReading,
  type RemoteWorkerRow,
  type RunPhase,
  readRows,
  STALE_MS,
  setRunPhase,
} from './remote-board.js';
import { CLAIM_IDLE_MS, DEFAULT_GROUP, type StreamCounts, StreamQueue } from './stream-queue.js';
import type { StreamWiring } from './stream-worker-main.js';

export interface StreamLinkOptions {
  stream: string;
  group?: string;
  claimIdleMs?: number;
}

const finished = (row: RemoteWorkerReading): boolean => row.state === 'done' || row.state === 'failed' || row.stale;

export class StreamLink implements ChainLink {
  sentinelsSent = 0;
  sentinelsPending = 0;
  ended = false;
  private isClosed = false;
  private depth = 0;
  private highWater = 0;
  private counts: StreamCounts = { put: 0, acked: 0, duplicates: 0 };
  private rows: RemoteWorkerReading[] = [];
  private refreshing: Promise<void> | undefined;
  private capacity = 0;
  private refreshMs = 100;
  private running: () => boolean = () => true;

  /** What a run's configuration records of it: never the URL as given, only its redacted form. */
  readonly shown: BrokerConfig;

  private constructor(
    readonly queue: StreamQueue,
    private readonly url: string,
    address: BrokerAddress,
    readonly claimIdleMs: number,
    private readonly news: { lost?: string | undefined; gone?: string },
  ) {
    this.shown = { address: address.shown, stream: queue.stream, group: queue.group, claimIdleMs };
  }

  /** Why the broker is out of reach while it is retried (undefined: connected). */
  get lost(): string | undefined {
    return this.news.lost;
  }

  /** Why the broker was given up on: it did not come back in time. */
  get gone(): string | undefined {
    return this.news.gone;
  }

  /** What is wrong with the broker, if anything: gone, or out of reach (what a failure is put down to). */
  get outage(): string | undefined {
    return this.news.gone ?? this.news.lost?.replace(/; reconnecting$/, '');
  }

  /**
   * Connects to the broker at `url` (password and all; it is only ever shown redacted) and makes
   * sure the stream and its group exist. @throws BrokerUnavailableError (one line, exit code 5)
   */
  static async open(url: string, options: StreamLinkOptions): Promise<StreamLink> {
    const address = parseBrokerUrl(url);
    const lostAt = `lost the broker at ${hostPort(address)}`;
    const news: { lost?: string | undefined; gone?: string } = {};
    const queue = await StreamQueue.open(
      address,
      // The main side never reads, and puts only sentinels (past the capacity): its capacity is unused.
      { stream: options.stream, group: options.group ?? DEFAULT_GROUP, capacity: 1 },
      {
        name: `pipeline-tui-run-${process.pid}`,
        onLost: (cause) => {
          news.lost = `${lostAt}: ${cause}; reconnecting`;
        },
        onBack: () => {
          news.lost = undefined;
        },
        onGone: (cause) => {
          news.gone = `${lostAt}: ${cause}`;
        },
      },
    );
    return new StreamLink(queue, url, address, options.claimIdleMs ?? CLAIM_IDLE_MS, news);
  }

  /**
   * Announces the run on the broker, with its item budget, so that its producers can start (and
   * other processes join it). `running` is false once the run has ended.
   */
  async announce(config: PipelineConfig, running: () => boolean): Promise<void> {
    this.capacity = config.capacity;
    this.refreshMs = config.refreshMs;
    this.running = running;
    const { group } = this.queue;
    const run = { runId: randomUUID(), group, capacity: config.capacity, claimIdleMs: this.claimIdleMs };
    // Sentinels an earlier run left behind would stop this run's consumers at once.
    await this.queue.purgeSentinels();
    await announceRun(
      this.queue.redis,
      this.queue.stream,
      { ...run, config: JSON.stringify(config), phase: 'running' },
      config.items,
    );
  }

  /**
   * The run is over on the broker: `phase` announced (workers still joined stop), and the sentinels
   * nobody took (sent for a consumer that died meanwhile) removed from the stream.
   */
  async conclude(phase: RunPhase): Promise<void> {
    await this.setPhase(phase);
    await this.queue.purgeSentinels();
  }

  /** How the run's workers reach the stream (the URL with its password: workerData only). */
  wiring(): StreamWiring {
    const { stream, group } = this.queue;
    return { url: this.url, stream, group, capacity: this.capacity, claimIdleMs: this.claimIdleMs };
  }

  /** Moves the run on the broker to `phase`: producers everywhere stop claiming items past running. */
  async setPhase(phase: RunPhase): Promise<void> {
    await setRunPhase(this.queue.redis, this.queue.stream, phase);
  }

  /** Closes the main connection (the workers have their own). */
  async disconnect(): Promise<void> {
    await this.queue.close({ leave: false });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.isClosed = true;
  }

  /** Sentinels for `count` downstream workers, and for the remote consumers still running. */
  end(mode: ShutdownMode, count: number): void {
    if (mode === 'close') this.close();
    void this.sendSentinels(count).catch(() => {}); // a lost broker fails the run on its own
  }

  /** Reads depth, counts and remote rows (once a tick; a call while one is under way joins it). */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const redis = this.queue.redis;
    const [depth, counts, rows] = await Promise.all([
      this.queue.depth(),
      this.queue.serverCounts(),
      readRows(redis, this.queue.stream),
    ]);
    this.depth = depth;
    this.highWater = Math.max(this.highWater, depth);
    this.counts = counts;
    this.rows = rows;
  }

  /** The remote workers' rows as last read; one gone silent (its process killed, say) as failed. */
  remote(): RemoteWorkerRow[] {
    return this.rows.map(({ stale, publishedAtMs, ...row }) =>
      stale ? { ...row, state: 'failed', error: `silent for more than ${STALE_MS / 1000} s` } : row,
    );
  }

  /** How many remote workers of `role` there are, and how many of them have stopped. */
  remoteTally(role: WorkerRole): { all: number; finished: number } {
    const mine = this.rows.filter((r) => r.role === role);
    return { all: mine.length, finished: mine.filter(finished).length };
  }

  /** Every remote worker of `role` has stopped (done, failed, or gone silent). */
  remoteFinished(role: WorkerRole): boolean {
    const tally = this.remoteTally(role);
    return tally.finished === tally.all;
  }

  /** The broker's figures for the Snapshot. */
  reading(): BrokerReading {
    return {
      ...this.shown,
      put: this.counts.put,
      acked: this.counts.acked,
      duplicates: this.counts.duplicates,
      remoteWorkers: this.rows.length,
      ...(this.lost !== undefined ? { lost: this.lost } : {}),
    };
  }

  /**
   * Adds `count` sentinels. Once the link has ended (the run's last sentinels), it first waits for
   * the stream to drain (unless closed), and adds one more for each remote consumer still running.
   */
  async sendSentinels(count: number): Promise<void> {
    const remote = (): number =>
      this.ended ? this.rows.filter((r) => r.role === 'consumer' && !finished(r)).length : 0;
    this.sentinelsPending += count;
    // The last sentinels wait for the drain; one that dismisses a worker mid-run need not.
    while (this.ended && !this.isClosed && this.running() && (await this.queue.depth()) > 0) {
      await new Promise((r) => setTimeout(r, Math.min(this.refreshMs, 50)));
    }
    if (!this.running()) {
      this.sentinelsPending -= count;
      return;
    }
    await this.refresh();
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

  readings(): LinkReadings {
    return {
      depth: this.depth,
      capacity: this.capacity,
      highWater: this.highWater,
      sentinelsSent: this.sentinelsSent,
      closed: this.isClosed,
      lockAcquisitions: 0,
      lockContended: 0,
    };
  }
}
