/**
 * A bounded queue on a Redis Stream with a consumer group: the broker's counterpart of BoundedQueue,
 * with an async API that works the same on the main thread, in a worker thread or in another
 * process on another machine.
 *
 *   put        XADD, in a script that first checks the stream's length: producers wait while the
 *              stream holds `capacity` entries or more (the backpressure of a bounded queue)
 *   get        XREADGROUP in batches (a local buffer); before reading new entries, XAUTOCLAIM takes
 *              over entries that another consumer read but left unacknowledged for `claimIdleMs`
 *              (it died, or hangs), so no item is lost when a consumer is
 *   ack        XACK and XDEL together in a script: the stream's length is always the number of
 *              entries nobody has acknowledged, which is what backpressure counts
 *   sentinel   an entry of its own kind (SENTINEL comes out of `get`), added past the capacity
 *
 * Delivery is at least once. An entry is processed twice only when it was claimed from a consumer
 * that was still alive and then finished it too; that consumer's XACK finds the entry already
 * acknowledged, and `ack` says 'duplicate' — so acknowledged items are counted exactly, and the
 * twice-delivered ones are counted apart. A consumer keeps the entries of its local buffer fresh
 * (XCLAIM to itself, which resets their idle time) so a batch waiting its turn is not claimed; an
 * item being processed is, if it takes longer than `claimIdleMs`.
 *
 * When a consumer takes a sentinel, the entries after it in its buffer go back to the stream as new
 * entries (one script: re-add, acknowledge, delete), so another consumer gets them.
 */
import type { Redis } from 'ioredis';
import { SENTINEL } from '../queue/sentinel.js';
import type { BrokerAddress } from './broker-url.js';
import { type ConnectOptions, closeBroker, connectBroker } from './connect.js';
import { CLAIM_IDLE_MS, DEFAULT_GROUP } from './defaults.js';
import { decodeItem, encodeItem } from './entry-codec.js';

export { CLAIM_IDLE_MS, DEFAULT_GROUP };

export interface StreamQueueOptions {
  stream: string;
  /** Consumer group (created with MKSTREAM if missing, reading from the stream's start). */
  group?: string;
  /** This side's consumer name in the group (needed for `get`), e.g. `C4@host:1234`. */
  consumer?: string;
  /** Producers wait while the stream holds this many unacknowledged entries or more. */
  capacity: number;
  /** Claim another consumer's entries once they have been idle this long. */
  claimIdleMs?: number;
  /** Entries read per XREADGROUP (and per XAUTOCLAIM). */
  batch?: number;
}

/** One delivered entry: its id (to `ack`), the item (SENTINEL for a sentinel) and when it was put. */
export interface StreamEntry {
  id: string;
  item: unknown;
  /** Epoch milliseconds of the put, by the producer's clock. */
  putAtMs: number;
  /** Whether it came from XAUTOCLAIM (another consumer had it first). */
  claimed: boolean;
}

/** What this side has done, for the run's counters. */
export interface StreamQueueStats {
  put: number;
  delivered: number;
  acked: number;
  /** Acks that found the entry already acknowledged: items delivered (and processed) twice. */
  duplicates: number;
  /** Entries taken over from idle consumers. */
  claimed: number;
  /** Entries given back after a sentinel. */
  requeued: number;
  /** Time spent waiting for room (producers) or for entries (consumers). */
  putWaitMs: number;
  getWaitMs: number;
}

// The length check and the XADDs in one script, so several producers cannot overshoot together.
// KEYS: stream, counts. ARGV: capacity, put time, then kind/value pairs. Returns how many were
// added (0: full).
const PUT = `
local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
local n = (#ARGV - 2) / 2
if room > n then room = n end
for i = 1, room do
  redis.call('XADD', KEYS[1], '*', 't', ARGV[2], 'k', ARGV[1 + 2 * i], 'v', ARGV[2 + 2 * i])
end
if room <= 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'put', room)
return room`;

// KEYS: stream, counts. ARGV: group, what the entries are ('acked' for items, 'sentinels'), ids.
// Returns how many were acknowledged now; an item already acknowledged was delivered twice, and
// is counted as a duplicate.
const ACK = `
local acked = 0
for i = 3, #ARGV do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    redis.call('XDEL', KEYS[1], ARGV[i])
    acked = acked + 1
  end
end
if acked > 0 then redis.call('HINCRBY', KEYS[2], ARGV[2], acked) end
if acked < #ARGV - 2 and ARGV[2] == 'acked' then redis.call('HINCRBY', KEYS[2], 'duplicates', #ARGV - 2 - acked) end
return acked`;

// ARGV: group, ids. Each still-pending entry goes back to the stream as a new entry.
const REQUEUE = `
local n = 0
for i = 2, #ARGV do
  local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #found > 0 and redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', unpack(found[1][2]))
    redis.call('XDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n`;

// ARGV: group, consumer, ids. Resets the idle time of those ids this consumer still owns (an
// XCLAIM alone would take back one that another consumer has claimed meanwhile); returns them.
const TOUCH = `
local kept = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept[#kept + 1] = ARGV[i]
  end
end
return kept`;

// KEYS: stream. ARGV: group. Removes every sentinel left in the stream (acknowledged for the group
// first, in case it was delivered); returns how many.
const PURGE_SENTINELS = `
local n = 0
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local f = entry[2]
  for i = 1, #f - 1, 2 do
    if f[i] == 'k' and f[i + 1] == 'S' then
      redis.call('XACK', KEYS[1], ARGV[1], entry[1])
      redis.call('XDEL', KEYS[1], entry[1])
      n = n + 1
    end
  end
end
return n`;

/** Most entries one put script adds. */
const PUT_CHUNK = 256;
/** How long one XREADGROUP blocks before the loop looks at claims and the abort signal again. */
const BLOCK_SLICE_MS = 250;
/** Longest pause of a producer polling a full stream. */
const FULL_POLL_MAX_MS = 20;

type RawEntry = [id: string, fields: string[]];

export interface PutOptions {
  /** Aborting it makes a put that waits for room reject with the signal's reason. */
  signal?: AbortSignal;
  /** Called once when the stream is found full and the put starts to wait. */
  onFull?: () => void;
}

type Script = (...keysThenArgs: Array<string | number>) => Promise<unknown>;

/** The scripts as commands of this connection: sent by SHA (EVALSHA), their text only once. */
function defineScripts(redis: Redis): Record<'put' | 'ack' | 'requeue' | 'touch' | 'purgeSentinels', Script> {
  const define = (name: string, lua: string, numberOfKeys: number): Script => {
    redis.defineCommand(name, { numberOfKeys, lua });
    const command = (redis as unknown as Record<string, Script>)[name]!;
    return command.bind(redis);
  };
  return {
    put: define('pipelineTuiPut', PUT, 2),
    ack: define('pipelineTuiAck', ACK, 2),
    requeue: define('pipelineTuiRequeue', REQUEUE, 1),
    touch: define('pipelineTuiTouch', TOUCH, 1),
    purgeSentinels: define('pipelineTuiPurgeSentinels', PURGE_SENTINELS, 1),
  };
}

/**
 * The hash next to a stream that counts, on the server, what every side did to it: `put` items
 * added, `acked` items acknowledged, `duplicates` acknowledgements that came second (and
 * `sentinels`, the sentinels taken). The counts are exact whoever did the work and whatever
 * happened to them afterwards.
 */
export const countsKey = (stream: string): string => `${stream}:counts`;

/** The stream's counts (see countsKey). */
export interface StreamCounts {
  put: number;
  acked: number;
  duplicates: number;
}

export class StreamQueue {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string | undefined;
  readonly capacity: number;
  readonly claimIdleMs: number;
  private readonly countsKey: string;
  private readonly batch: number;
  private readonly buffer: StreamEntry[] = [];
  private bufferTouchedAt = 0;
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  private claimCursor = '0-0';
  private readonly counts: StreamQueueStats = {
    put: 0,
    delivered: 0,
    acked: 0,
    duplicates: 0,
    claimed: 0,
    requeued: 0,
    putWaitMs: 0,
    getWaitMs: 0,
  };

  private readonly scripts: ReturnType<typeof defineScripts>;

  private constructor(
    readonly redis: Redis,
    options: StreamQueueOptions,
  ) {
    this.scripts = defineScripts(redis);
    this.stream = options.stream;
    this.countsKey = countsKey(options.stream);
    this.group = options.group ?? DEFAULT_GROUP;
    this.consumer = options.consumer;
    this.capacity = options.capacity;
    this.claimIdleMs = options.claimIdleMs ?? CLAIM_IDLE_MS;
    this.batch = options.batch ?? 16;
  }

  /** Connects (see connectBroker for the errors) and makes sure the stream and group exist. */
  static async open(
    address: BrokerAddress,
    options: StreamQueueOptions,
    connect: ConnectOptions = {},
  ): Promise<StreamQueue> {
    if (!Number.isInteger(options.capacity) || options.capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    const redis = await connectBroker(address, { name: options.consumer, ...connect });
    const queue = new StreamQueue(redis, options);
    try {
      await queue.redis.xgroup('CREATE', queue.stream, queue.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) {
        await closeBroker(redis);
        throw error;
      }
    }
    return queue;
  }

  /** Whether `get` has an entry at hand, read ahead in an earlier batch (it returns without waiting). */
  get buffered(): boolean {
    return this.buffer.length > 0;
  }

  /** What every side has done to the stream, counted by the server (see countsKey). */
  async serverCounts(): Promise<StreamCounts> {
    const h = await this.redis.hgetall(this.countsKey);
    return { put: Number(h.put ?? 0), acked: Number(h.acked ?? 0), duplicates: Number(h.duplicates ?? 0) };
  }

  /** Entries nobody has acknowledged yet (the stream's length): the queue's depth. */
  async depth(): Promise<number> {
    return this.redis.xlen(this.stream);
  }

  /**
   * Resolves once the stream is empty — every entry acknowledged, including those of dead consumers
   * that the others had to claim. A run sends its sentinels only then, so nothing travels behind
   * them and a consumer that stops at its sentinel leaves no item behind.
   */
  async drained({ signal, pollMs = 20 }: { signal?: AbortSignal; pollMs?: number } = {}): Promise<void> {
    while ((await this.depth()) > 0) await sleep(pollMs, signal);
  }

  /** Adds one item, waiting while the stream is full. Rejects with `signal.reason` if aborted. */
  async put(item: unknown, options: PutOptions = {}): Promise<void> {
    await this.putMany([item], options);
  }

  /**
   * Adds items in order, as many per round trip as there is room for, waiting while full.
   * `onFull` is called once if it has to wait (a producer shows itself blocked from then on).
   */
  async putMany(items: readonly unknown[], { signal, onFull }: PutOptions = {}): Promise<void> {
    const encoded = items.map(encodeItem);
    let next = 0;
    let pause = 1;
    let waitingSince: number | undefined;
    while (next < encoded.length) {
      signal?.throwIfAborted();
      const added = await this.addEncoded(encoded.slice(next, next + Math.min(PUT_CHUNK, this.capacity)));
      next += added;
      if (added > 0) {
        if (waitingSince !== undefined) this.counts.putWaitMs += performance.now() - waitingSince;
        waitingSince = undefined;
        pause = 1;
        continue;
      }
      if (waitingSince === undefined) {
        waitingSince = performance.now();
        onFull?.();
      }
      await sleep(pause, signal);
      pause = Math.min(FULL_POLL_MAX_MS, pause * 2);
    }
    if (waitingSince !== undefined) this.counts.putWaitMs += performance.now() - waitingSince;
  }

  /**
   * Adds, in order, as many of `items` as there is room for right now, in one round trip, without
   * waiting: how many went in (0 when the stream is full).
   */
  async putFitting(items: readonly unknown[]): Promise<number> {
    return this.addEncoded(items.slice(0, Math.min(PUT_CHUNK, this.capacity)).map(encodeItem));
  }

  /** One put script: adds what fits of `encoded` (kind/value pairs) and returns how many. */
  private async addEncoded(encoded: ReadonlyArray<readonly string[]>): Promise<number> {
    const added = Number(
      await this.scripts.put(this.stream, this.countsKey, this.capacity, Date.now(), ...encoded.flat()),
    );
    this.counts.put += added;
    return added;
  }

  /** Adds `count` sentinels past the capacity (a stop must never wait for room). */
  async putSentinels(count = 1): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.xadd(this.stream, '*', 't', Date.now(), 'k', 'S', 'v', '');
    // A pipeline resolves with each command's error instead of failing: a refused XADD (out of
    // memory) would pass for a sentinel sent, and its consumer wait for it forever.
    const failed = (await pipeline.exec())?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  /**
   * Removes the sentinels left in the stream — sent for a consumer that died before it took its
   * own, or by a run that crashed — so that they cannot stop a consumer of the next run. Only for
   * when no consumer is waiting for one. Returns how many there were.
   */
  async purgeSentinels(): Promise<number> {
    return Number(await this.scripts.purgeSentinels(this.stream, this.group));
  }

  /**
   * The next entry for this consumer: from the local buffer, else claimed from an idle consumer,
   * else newly read. Waits up to `timeoutMs` (undefined: forever); resolves undefined on timeout.
   * Every entry must be `ack`ed once handled. A SENTINEL hands back the rest of the buffer.
   */
  async get(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<StreamEntry | undefined> {
    const consumer = this.requireConsumer();
    const started = performance.now();
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeoutMs;
    // An entry that waited in the buffer past claimIdleMs may have been claimed by another consumer
    // meanwhile: keepBufferFresh drops those, and if none is left, it is back to waiting.
    do {
      while (this.buffer.length === 0) {
        options.signal?.throwIfAborted();
        if (performance.now() - this.lastClaimAt >= this.claimIdleMs / 4) await this.claimIdle(consumer);
        if (this.buffer.length > 0) break;
        const left = deadline - performance.now();
        if (left <= 0) {
          this.counts.getWaitMs += performance.now() - started;
          return undefined;
        }
        const block = Math.max(1, Math.min(BLOCK_SLICE_MS, Math.ceil(left)));
        const reply = (await this.redis.xreadgroup(
          'GROUP',
          this.group,
          consumer,
          'COUNT',
          this.batch,
          'BLOCK',
          block,
          'STREAMS',
          this.stream,
          '>',
        )) as Array<[string, RawEntry[]]> | null;
        for (const raw of reply?.[0]?.[1] ?? []) this.buffer.push(toEntry(raw, false));
        this.bufferTouchedAt = performance.now();
      }
      await this.keepBufferFresh(consumer);
    } while (this.buffer.length === 0);
    this.counts.getWaitMs += performance.now() - started;
    const entry = this.buffer.shift()!;
    this.counts.delivered++;
    if (entry.item === SENTINEL) await this.release();
    return entry;
  }

  /** Acknowledges entries: 'acked', or 'duplicate' if another consumer had acknowledged it already. */
  async ack(entry: StreamEntry): Promise<'acked' | 'duplicate'> {
    const kind = entry.item === SENTINEL ? 'sentinels' : 'acked';
    const acked = Number(await this.scripts.ack(this.stream, this.countsKey, this.group, kind, entry.id));
    if (acked === 1) this.counts.acked++;
    else this.counts.duplicates++;
    return acked === 1 ? 'acked' : 'duplicate';
  }

  /** Gives the buffered, not yet delivered entries back to the stream for other consumers. */
  async release(): Promise<void> {
    if (this.buffer.length === 0) return;
    const ids = this.buffer.splice(0).map((e) => e.id);
    this.counts.requeued += Number(await this.scripts.requeue(this.stream, this.group, ...ids));
  }

  stats(): StreamQueueStats {
    return { ...this.counts };
  }

  /**
   * Closes the connection. `leave`: give back the buffer and, when this consumer holds no pending
   * entries, remove it from the group (XGROUP DELCONSUMER), so the group lists only live consumers.
   */
  async close({ leave = true } = {}): Promise<void> {
    try {
      if (leave && this.consumer !== undefined && this.redis.status === 'ready') {
        await this.release();
        const pending = (await this.redis.xpending(this.stream, this.group, '-', '+', 1, this.consumer)) as unknown[];
        if (pending.length === 0) await this.redis.xgroup('DELCONSUMER', this.stream, this.group, this.consumer);
      }
    } finally {
      await closeBroker(this.redis);
    }
  }

  private requireConsumer(): string {
    if (this.consumer === undefined)
      throw new TypeError('get() needs a consumer name: open the StreamQueue with { consumer: "C1@host:pid" }');
    return this.consumer;
  }

  /** XAUTOCLAIM: take over entries other consumers left idle for claimIdleMs. */
  private async claimIdle(consumer: string): Promise<void> {
    this.lastClaimAt = performance.now();
    const [cursor, entries] = (await this.redis.xautoclaim(
      this.stream,
      this.group,
      consumer,
      this.claimIdleMs,
      this.claimCursor,
      'COUNT',
      this.batch,
    )) as [string, Array<RawEntry | null>, string[]?];
    this.claimCursor = cursor;
    for (const raw of entries) {
      if (raw === null) continue; // deleted meanwhile (Redis < 7 reports them as nil)
      this.buffer.push(toEntry(raw, true));
      this.counts.claimed++;
    }
    this.bufferTouchedAt = performance.now();
  }

  /** Resets the idle time of buffered entries before others would claim them. */
  private async keepBufferFresh(consumer: string): Promise<void> {
    if (performance.now() - this.bufferTouchedAt < this.claimIdleMs / 3 || this.buffer.length === 0) return;
    this.bufferTouchedAt = performance.now();
    const ids = this.buffer.map((e) => e.id);
    const kept = new Set((await this.scripts.touch(this.stream, this.group, consumer, ...ids)) as string[]);
    // An entry already claimed by another consumer (we were too slow) is theirs now: drop it here.
    for (let i = this.buffer.length - 1; i >= 0; i--) if (!kept.has(this.buffer[i]!.id)) this.buffer.splice(i, 1);
  }
}

function toEntry([id, fields]: RawEntry, claimed: boolean): StreamEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  // An entry that pipeline-tui did not write is delivered as its field map.
  const item = f.k === undefined ? f : decodeItem(f.k, f.v ?? '');
  return { id, item, putAtMs: Number(f.t ?? Number.NaN), claimed };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
