/**
 * The first link of a `--broker` run, and the run's side on the broker: its queue is a Redis
 * stream with a consumer group, driven as a ChainLink (stream-hop.ts: sentinels after the drain).
 * With `--stage`, each later link is a stream of its own (`<stream>:2`…, linkStream), a hop this
 * side opens on its connection (`chain`). Workers put and get through their own connections
 * (stream-worker-main.ts); this side announces the run, counts, watches the depths and the remote
 * workers' rows, and sends the sentinels.
 *
 * What the broker imposes, by design:
 * - `readings()` is synchronous, as the sampler wants it: `refresh()`, which the run calls once a
 *   tick, reads every link's depth (the entries waiting to be read, as the capacity counts), the
 *   server's counts and the remote rows, and readings return the last ones.
 * - One run at a time on a stream: `open` takes the stream (stream-lease.ts) and refuses one that
 *   another live run holds (StreamBusyError); the hold is renewed while the run lives.
 * - What goes wrong with the broker is kept as data (broker-trouble.ts): out of reach and retried
 *   (connect.ts; `lost` says so meanwhile, and the stall clock waits), or fatal — not back in time,
 *   back without the run's data, out of memory, the stream taken by another run. A fatal trouble
 *   fails the run (`fatal`), and a worker's failure that the broker explains is put down to it
 *   (`blame`). Once the broker has lost the run's data, the readings keep the last figures the run
 *   saw of it: what the emptied server counts afterwards is not this run's.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PipelineBackend } from '../pipeline/backend.js';
import type { BrokerConfig, BrokerReading, PipelineConfig } from '../pipeline/types.js';
import { type PermitCounts, readPermits } from './broker-semaphore.js';
import { type BrokerTrouble, describeTrouble, isFatal, troubleOf } from './broker-trouble.js';
import { type BrokerAddress, hostPort, parseBrokerUrl } from './broker-url.js';
import { closeBroker } from './connect.js';
import { STREAM_LEASE_MS } from './defaults.js';
import {
  announceRun,
  expireRun,
  linkStream,
  poolName,
  type RemoteWorkerReading,
  type RemoteWorkerRow,
  type RunPhase,
  readRows,
  STALE_MS,
  setRunPhase,
} from './remote-board.js';
import { StreamBackend } from './stream-backend.js';
import { type HopRun, StreamHop } from './stream-hop.js';
import { type HoldState, releaseStream, renewStream, StreamBusyError, takeStream } from './stream-lease.js';
import { CLAIM_IDLE_MS, DEFAULT_GROUP, type StreamCounts, StreamQueue } from './stream-queue.js';
import type { StreamWiring } from './stream-worker-main.js';

export interface StreamLinkOptions {
  stream: string;
  group?: string;
  claimIdleMs?: number;
  /** How long the run's hold on the stream lasts unless renewed (STREAM_LEASE_MS). */
  leaseMs?: number;
}

/** What the run knows of its broker, changed by the connection's news and by what commands meet. */
interface BrokerNews {
  trouble?: BrokerTrouble | undefined;
}

const finished = (row: RemoteWorkerReading): boolean => row.state === 'done' || row.state === 'failed' || row.stale;

export class StreamLink extends StreamHop implements HopRun {
  private counts: StreamCounts = { put: 0, acked: 0, duplicates: 0 };
  private rows: RemoteWorkerReading[] = [];
  private refreshing: Promise<void> | undefined;
  capacity = 0;
  refreshMs = 100;
  /** The run's --pool size, and the server's record of its semaphore. */
  private poolSize: number | undefined;
  private pool: PermitCounts | undefined;
  running: () => boolean = () => true;
  /** Every link of the run's chain, this one first (`chain`). */
  private hops: StreamHop[] = [this];

  /** What a run's configuration records of it: never the URL as given, only its redacted form. */
  readonly shown: BrokerConfig;
  /** `host:port`, for the one-line messages. */
  private readonly at: string;
  /** Whether the run is announced (until then the hold is renewed without looking for it). */
  private announced = false;
  private readonly keepAlive: NodeJS.Timeout;

  private constructor(
    queue: StreamQueue,
    private readonly address: BrokerAddress,
    readonly claimIdleMs: number,
    private readonly news: BrokerNews,
    /** Who holds the stream, as another run is told: `pid 1234 on build-7, run 3f2a91c0`. */
    private readonly holder: string,
    private readonly leaseMs: number,
    /** The id the run is announced with (chosen with the hold, so that both name the same run). */
    private readonly runId: string,
  ) {
    super(queue, 0);
    this.run = this;
    this.shown = { address: address.shown, stream: queue.stream, group: queue.group, claimIdleMs };
    this.at = hostPort(address);
    // Renewed between refreshes too: before the run starts ticking, and whatever its --refresh.
    this.keepAlive = setInterval(() => void this.renew().catch(() => {}), leaseMs / 4).unref();
  }

  /** Why the broker is out of reach while it is retried (undefined: connected, or a fatal trouble). */
  get lost(): string | undefined {
    return this.news.trouble?.kind === 'lost' ? `${this.describe(this.news.trouble)}; reconnecting` : undefined;
  }

  /** What ends the run: the broker not back in time, back without its data, full, or the stream taken. */
  get fatal(): string | undefined {
    return isFatal(this.news.trouble) ? this.describe(this.news.trouble!) : undefined;
  }

  /**
   * What a worker's failure is put down to when the broker explains it: the error it met (out of
   * memory, the group gone), or the broker's trouble at the time. Undefined: the worker's own.
   */
  blame(error: unknown): string | undefined {
    this.note(troubleOf(error));
    return this.news.trouble && this.describe(this.news.trouble);
  }

  /** Records a trouble; a fatal one stays (the first is the cause of what follows). */
  private note(trouble: BrokerTrouble | undefined): void {
    if (trouble !== undefined && !isFatal(this.news.trouble)) this.news.trouble = trouble;
  }

  private describe(trouble: BrokerTrouble): string {
    return describeTrouble(trouble, this.at, this.queue.stream);
  }

  /**
   * Connects to the broker at `url` (password and all; it is only ever shown redacted), makes sure
   * the stream and its group exist, and takes the stream for the run.
   * @throws BrokerUnavailableError (one line, exit code 5), StreamBusyError (another run holds it)
   */
  static async open(url: string | BrokerAddress, options: StreamLinkOptions): Promise<StreamLink> {
    const address = typeof url === 'string' ? parseBrokerUrl(url) : url;
    const news: BrokerNews = {};
    const fatal = (): boolean => isFatal(news.trouble);
    const queue = await StreamQueue.open(
      address,
      // The main side never reads, and puts only sentinels (past the capacity): its capacity is unused.
      { stream: options.stream, group: options.group ?? DEFAULT_GROUP, capacity: 1 },
      {
        name: `pipeline-tui-run-${process.pid}`,
        onLost: (cause) => {
          if (!fatal()) news.trouble = { kind: 'lost', cause };
        },
        onBack: () => {
          if (!fatal()) news.trouble = undefined;
        },
        onGone: (cause) => {
          if (!fatal()) news.trouble = { kind: 'gone', cause };
        },
      },
    );
    const leaseMs = options.leaseMs ?? STREAM_LEASE_MS;
    const runId = randomUUID();
    const holder = `pid ${process.pid} on ${hostname()}, run ${runId.slice(0, 8)}`;
    const other = await takeStream(queue.redis, queue.stream, holder, leaseMs).catch(async (error: unknown) => {
      await closeBroker(queue.redis);
      throw error;
    });
    if (other !== undefined) {
      await closeBroker(queue.redis);
      throw new StreamBusyError(
        `stream ${queue.stream} at ${hostPort(address)} is in use by another run (${other}); ` +
          `one run at a time on a stream (a run that crashed lets go of it within ${leaseMs / 1000} s)`,
      );
    }
    return new StreamLink(queue, address, options.claimIdleMs ?? CLAIM_IDLE_MS, news, holder, leaseMs, runId);
  }

  /** Renews the hold on the stream, and learns from it whether the run's data is still there. */
  private async renew(): Promise<HoldState> {
    const { redis, stream } = this.queue;
    const state = await renewStream(redis, stream, this.holder, this.leaseMs, this.announced ? this.runId : '');
    if (state === 'data-lost') this.note({ kind: 'data-lost' });
    if (state === 'taken') this.note({ kind: 'taken', by: 'another pipeline-tui run' });
    return state;
  }

  /**
   * Announces the run on the broker, with its item budget, so that its producers can start (and
   * other processes join it). `running` is false once the run has ended.
   */
  async announce(config: PipelineConfig, running: () => boolean): Promise<void> {
    this.capacity = config.capacity;
    this.refreshMs = config.refreshMs;
    this.poolSize = config.pool;
    this.running = running;
    const { group } = this.queue;
    const run = { runId: this.runId, group, capacity: config.capacity, claimIdleMs: this.claimIdleMs };
    // Sentinels an earlier run left behind would stop this run's workers at once.
    for (const hop of this.hops) await hop.queue.purgeSentinels();
    await announceRun(
      this.queue.redis,
      this.queue.stream,
      { ...run, config: JSON.stringify(config), phase: 'running' },
      config.items,
      this.hops.length,
    );
    // The later links' streams and groups, before any stage worker reads them.
    for (const hop of this.hops.slice(1)) await hop.queue.ensureGroup();
    this.announced = true;
  }

  /**
   * The run is over on the broker: `phase` announced (workers still joined stop), and the sentinels
   * nobody took (sent for a consumer that died meanwhile) removed from the stream, and the run's
   * keys left to expire (expireRun).
   */
  async conclude(phase: RunPhase): Promise<void> {
    await this.setPhase(phase);
    for (const hop of this.hops) await hop.queue.purgeSentinels();
    await expireRun(this.queue.redis, this.queue.stream, this.hops.length);
  }

  /**
   * The run's chain of `links` links: this stream first, then a hop of its own for each link after
   * a stage (`<stream>:2`…, on this side's connection). Called once, before the run is announced.
   */
  chain(links: number): readonly StreamHop[] {
    const { redis, stream, group } = this.queue;
    const later = Array.from({ length: links - 1 }, (_, i) => {
      // The main side never reads, and puts only sentinels (past the capacity): its capacity is unused.
      const queue = StreamQueue.over(redis, { stream: linkStream(stream, i + 1), group, capacity: 1 });
      return new StreamHop(queue, i + 1, this);
    });
    this.hops = [this, ...later];
    return this.hops;
  }

  /** A command the broker refused (sentinels, say): the run's trouble. */
  refused(error: unknown): void {
    this.note(troubleOf(error));
  }

  /** The run's backend on this stream (RunOptions.broker): the engine drives the run through it. */
  backend(): PipelineBackend {
    return new StreamBackend(this);
  }

  /** How the run's workers reach the stream (the address with its password: workerData only). */
  wiring(): StreamWiring {
    const { stream, group } = this.queue;
    return { address: this.address, stream, group, capacity: this.capacity, claimIdleMs: this.claimIdleMs };
  }

  /** Moves the run on the broker to `phase`: producers everywhere stop claiming items past running. */
  async setPhase(phase: RunPhase): Promise<void> {
    await setRunPhase(this.queue.redis, this.queue.stream, phase);
  }

  /** Lets go of the stream and closes the main connection (the workers have their own). */
  async disconnect(): Promise<void> {
    clearInterval(this.keepAlive);
    try {
      if (this.queue.redis.status === 'ready') await releaseStream(this.queue.redis, this.queue.stream, this.holder);
    } finally {
      await this.queue.close({ leave: false });
    }
  }

  /**
   * Reads depth, counts and remote rows, and renews the hold on the stream (once a tick; a call
   * while one is under way joins it).
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.read()
      .catch((error: unknown) => {
        this.note(troubleOf(error));
        throw error;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Whether the run cannot tell what the broker is doing now: it is out of reach, or has not yet
   * answered the last reading (stopped, frozen, or slow). The stall clock waits meanwhile.
   */
  get unheard(): boolean {
    return this.news.trouble?.kind === 'lost' || this.refreshing !== undefined;
  }

  private async read(): Promise<void> {
    if (this.news.trouble?.kind === 'data-lost') return; // what the emptied server says is not this run's
    const redis = this.queue.redis;
    // The hold is renewed last: one connection answers in order, so a broker that lost its data
    // before answering any of the readings is found out by the renewal, and the readings dropped.
    const { hops } = this;
    const [depths, counts, rows, pool, hold] = await Promise.all([
      Promise.all(hops.map((hop) => hop.queue.waiting())), // what --capacity bounds: not the entries held
      Promise.all(hops.map((hop) => hop.queue.serverCounts())),
      readRows(redis, this.queue.stream),
      this.poolSize === undefined ? undefined : readPermits(redis, poolName(this.queue.stream)),
      this.renew(),
    ]);
    if (hold !== 'held') return;
    this.pool = pool;
    for (const [i, hop] of hops.entries()) hop.readDepth(depths[i]!);
    // The chain's ends: what producers put on the first link, what consumers acknowledged on the
    // last; an entry acknowledged twice on any link (a stage's forward found it done) is a duplicate.
    const duplicates = counts.reduce((sum, c) => sum + c.duplicates, 0);
    this.counts = { put: counts[0]!.put, acked: counts.at(-1)!.acked, duplicates };
    this.rows = rows;
  }

  /** The remote workers' rows as last read; one gone silent (its process killed, say) as failed. */
  remote(): RemoteWorkerRow[] {
    return this.rows.map(({ stale, publishedAtMs, ...row }) =>
      stale ? { ...row, state: 'failed', error: `silent for more than ${STALE_MS / 1000} s` } : row,
    );
  }

  /** Chain stage of a remote row (a row that does not say is at its role's end of the chain). */
  private stageOf(row: RemoteWorkerRow): number {
    return row.stage ?? (row.role === 'producer' ? 0 : this.hops.length);
  }

  /** How many remote workers of chain stage `stage` there are, and how many of them have stopped. */
  remoteTally(stage: number): { all: number; finished: number } {
    const mine = this.rows.filter((r) => this.stageOf(r) === stage);
    return { all: mine.length, finished: mine.filter(finished).length };
  }

  remoteStaying(stage: number): number {
    const tally = this.remoteTally(stage);
    return tally.all - tally.finished;
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
      ...(this.pool !== undefined ? { pool: this.pool } : {}),
    };
  }
}
