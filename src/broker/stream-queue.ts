/**
 * A bounded queue on a Redis Stream with a consumer group: the broker's counterpart of BoundedQueue,
 * with an async API that works the same on the main thread, in a worker thread or in another
 * process on another machine. Its Lua scripts are in ./scripts/ (loaded by scripts.ts).
 *
 *   put        XADD in a script (put-3.lua) that adds what fits: the stream holds at most
 *              `capacity` entries *waiting* to be read (its length minus the entries read and not
 *              yet acknowledged), so the capacity bounds the backlog, not the items being worked on,
 *              and many consumers are never starved by it. A producer that finds no room blocks on
 *              the room list (BLPOP) until a consumer's read makes room and pushes a token there.
 *   get/take   XREADGROUP in batches (`batch`, the prefetch) into a local buffer, in a script that
 *              also wakes the producers waiting for the room it made (read-3.lua); a blocking
 *              XREADGROUP only when nothing is waiting. Before reading, XAUTOCLAIM takes over
 *              entries another consumer read but left unacknowledged for `claimIdleMs` (it died,
 *              or hangs), so no item is lost when a consumer is.
 *   ack        XACK and XDEL of a whole batch in one script (ack-3.lua), with the counts: the
 *              stream's length is always the number of entries nobody has acknowledged
 *   sentinel   an entry of its own kind (SENTINEL comes out of `get`), added past the capacity
 *
 * Delivery is at least once. An entry is processed twice only when it was claimed from a consumer
 * that was still alive and then finished it too; that consumer's XACK finds the entry already
 * acknowledged, and the ack counts it as a duplicate — so acknowledged items are counted exactly,
 * and the twice-delivered ones are counted apart. A consumer keeps the entries of its local buffer
 * fresh (XCLAIM to itself, which resets their idle time) so a batch waiting its turn is not
 * claimed, and so are the entries in its hands while it waits for something (`keepFresh`: a pool's
 * permit) or an item is handled asynchronously (`whileHandling`). An item handled synchronously,
 * which blocks the thread, is claimed if it takes longer than `claimIdleMs`.
 *
 * Puts and acks are idempotent (once.lua): each carries this queue's client id and a call number,
 * so a script that ioredis resends after a reconnect (the server may have run it and died before
 * answering) is answered from the record instead of adding or counting twice.
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
import { OnceTag, onceCount, type Script, type ScriptName, scriptsOf } from './scripts.js';

export { CLAIM_IDLE_MS, DEFAULT_GROUP };

export interface StreamQueueOptions {
  stream: string;
  /** Consumer group (created with MKSTREAM if missing, reading from the stream's start). */
  group?: string;
  /** This side's consumer name in the group (needed for `get`), e.g. `C4@host:1234`. */
  consumer?: string;
  /** Producers wait while this many entries or more wait to be read (read ones being worked on do not count). */
  capacity: number;
  /** Claim another consumer's entries once they have been idle this long. */
  claimIdleMs?: number;
  /** Entries read per XREADGROUP (and per XAUTOCLAIM): the consumer's prefetch. */
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

/** Most entries one put script adds. */
const PUT_CHUNK = 256;
/** How long one blocking read (XREADGROUP, BLPOP) lasts before the loop looks at claims and the abort signal again. */
const BLOCK_SLICE_MS = 250;
/** Entries read per XREADGROUP unless told (`batch`). */
export const DEFAULT_BATCH = 16;

type RawEntry = [id: string, fields: string[]];

export interface TakeOptions {
  /** Give up after this long (undefined: wait forever): `take` returns none, `get` undefined. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PutOptions {
  /** Aborting it makes a put that waits for room reject with the signal's reason. */
  signal?: AbortSignal;
  /** Called once when the stream is found full and the put starts to wait. */
  onFull?: () => void;
}

/**
 * The hash next to a stream that counts, on the server, what every side did to it: `put` items
 * added, `acked` items acknowledged, `duplicates` acknowledgements that came second (and
 * `sentinels`, the sentinels taken). The counts are exact whoever did the work and whatever
 * happened to them afterwards.
 */
export const countsKey = (stream: string): string => `${stream}:counts`;

/** The hash that records each client's last script, so a resent one is not run twice (once.lua). */
export const onceKey = (stream: string): string => `${stream}:once`;

/** The list producers waiting for room block on; a consumer's read pushes tokens there (wake.lua). */
export const roomKey = (stream: string): string => `${stream}:room`;

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
  /** This queue's client id and call numbers for the idempotent scripts (once.lua). */
  readonly once = new OnceTag();
  private readonly keys: { counts: string; once: string; room: string };
  /** Entries read per XREADGROUP: the prefetch. */
  readonly batch: number;
  private readonly buffer: StreamEntry[] = [];
  private bufferTouchedAt = 0;
  /** What the last take handed out: in the consumer's hands until it is acknowledged. */
  private inHand: readonly StreamEntry[] = [];
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

  private readonly scripts: Record<ScriptName, Script>;

  private constructor(
    readonly redis: Redis,
    options: StreamQueueOptions,
  ) {
    this.scripts = scriptsOf(redis);
    this.stream = options.stream;
    this.keys = { counts: countsKey(options.stream), once: onceKey(options.stream), room: roomKey(options.stream) };
    this.group = options.group ?? DEFAULT_GROUP;
    this.consumer = options.consumer;
    this.capacity = options.capacity;
    this.claimIdleMs = options.claimIdleMs ?? CLAIM_IDLE_MS;
    this.batch = options.batch ?? DEFAULT_BATCH;
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
      await queue.ensureGroup();
    } catch (error) {
      await closeBroker(redis);
      throw error;
    }
    return queue;
  }

  /**
   * A queue on a connection that another queue opened (the run's main side of a chain's later
   * links): nothing is made on the server (see ensureGroup), and closing it is the opener's job.
   */
  static over(redis: Redis, options: StreamQueueOptions): StreamQueue {
    return new StreamQueue(redis, options);
  }

  /** Makes the stream and its consumer group (reading from the stream's start) unless they exist. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  /** Whether `get` has an entry at hand, read ahead in an earlier batch (it returns without waiting). */
  get buffered(): boolean {
    return this.buffer.length > 0;
  }

  /** What every side has done to the stream, counted by the server (see countsKey). */
  async serverCounts(): Promise<StreamCounts> {
    const h = await this.redis.hgetall(this.keys.counts);
    return { put: Number(h.put ?? 0), acked: Number(h.acked ?? 0), duplicates: Number(h.duplicates ?? 0) };
  }

  /** Entries nobody has acknowledged yet (the stream's length): waiting, and read but not yet acknowledged. */
  async depth(): Promise<number> {
    return this.redis.xlen(this.stream);
  }

  /** Entries waiting to be read (what the capacity bounds): the length minus those read and not acknowledged. */
  async waiting(): Promise<number> {
    // One transaction, so that no read or ack comes between the two.
    const replies = await this.redis.multi().xlen(this.stream).xpending(this.stream, this.group).exec();
    const [[, length], [noGroup, pending]] = replies as [[unknown, number], [unknown, [number, ...unknown[]] | null]];
    // No group (the broker lost it): nothing has been read, so every entry is waiting.
    return noGroup || pending === null ? length : length - Number(pending[0]);
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
   * Adds items in order, as many per round trip as there is room for, waiting while full (woken
   * when a consumer's read makes room). `onFull` is called once if it has to wait (a producer
   * shows itself blocked from then on).
   */
  async putMany(items: readonly unknown[], { signal, onFull }: PutOptions = {}): Promise<void> {
    const encoded = items.map(encodeItem);
    let next = 0;
    let waitingSince: number | undefined;
    while (next < encoded.length) {
      signal?.throwIfAborted();
      const added = await this.addEncoded(encoded.slice(next, next + Math.min(PUT_CHUNK, this.capacity)));
      next += added;
      if (added > 0) continue;
      if (waitingSince === undefined) {
        waitingSince = performance.now();
        onFull?.();
      }
      await this.waitForRoom();
    }
    if (waitingSince !== undefined) this.counts.putWaitMs += performance.now() - waitingSince;
  }

  /**
   * Adds, in order, as many of `items` as there is room for right now, in one round trip, without
   * waiting: how many went in (0 when the stream is full; then `waitForRoom` before trying again).
   */
  async putFitting(items: readonly unknown[]): Promise<number> {
    return this.addEncoded(items.slice(0, Math.min(PUT_CHUNK, this.capacity)).map(encodeItem));
  }

  /**
   * Waits until a consumer's read makes room, or `BLOCK_SLICE_MS` goes by (the caller looks at its
   * abort signal, and tries its put again): the put that found the stream full asked to be woken.
   * Returns the time it waited, in ms.
   */
  async waitForRoom(): Promise<number> {
    const since = performance.now();
    await this.redis.blpop(this.keys.room, BLOCK_SLICE_MS / 1000);
    return performance.now() - since;
  }

  /** One put script: adds what fits of `encoded` (kind/value pairs) and returns how many. */
  private async addEncoded(encoded: ReadonlyArray<readonly string[]>): Promise<number> {
    const { stream, keys } = this;
    const reply = await this.scripts.put(
      ...[stream, keys.counts, keys.once, this.group, this.capacity, Date.now(), ...this.once.next()],
      ...encoded.flat(),
    );
    // A resent put whose result was not kept cannot happen (one put at a time): treated as none
    // added, so the items go again — twice at worst, never lost.
    const added = onceCount(reply, 0);
    this.counts.put += added;
    return added;
  }

  /**
   * A stage worker's step (forward-5.lua): for each of `results` in order, acknowledges its entry,
   * which the worker took from `input`, and adds its item (undefined: the stage dropped it) to
   * this stream, both in one script or neither. Returns what became of each, in order: 'f' passed
   * on, 'd' a duplicate (another stage worker claimed the entry and passed it on first: nothing
   * added); fewer than `results` when this stream is full (waitForRoom, then the rest again).
   */
  async forward(input: StreamQueue, results: ReadonlyArray<{ entry: StreamEntry; item: unknown }>): Promise<string> {
    const { stream, keys } = this;
    const triples = results.flatMap(({ entry, item }) => [
      entry.id,
      ...(item === undefined ? ['', ''] : encodeItem(item)),
    ]);
    const reply = (await this.scripts.forward(
      ...[input.stream, input.keys.counts, stream, keys.counts, keys.once],
      ...[input.group, this.group, this.capacity, Date.now(), ...this.once.next()],
      ...triples,
    )) as string;
    // A resent forward whose result was not kept cannot happen (one at a time): taken as all done.
    const outcomes = reply === '?' ? 'f'.repeat(results.length) : reply;
    for (let i = 0; i < outcomes.length; i++)
      if (outcomes[i] === 'f' && results[i]!.item !== undefined) this.counts.put++;
    return outcomes;
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
   * Every entry must be acknowledged once handled. A SENTINEL hands back the rest of the buffer.
   */
  async get(options: TakeOptions = {}): Promise<StreamEntry | undefined> {
    return (await this.take(1, options))[0];
  }

  /**
   * Up to `max` entries for this consumer, as `get` finds them (at least one, unless it times out:
   * then none). A SENTINEL ends the batch, and hands back the rest of the buffer.
   */
  async take(max: number, options: TakeOptions = {}): Promise<StreamEntry[]> {
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
        if (await this.read(consumer, deadline - performance.now())) continue;
        if (deadline - performance.now() <= 0) {
          this.counts.getWaitMs += performance.now() - started;
          return [];
        }
      }
      await this.keepBufferFresh(consumer);
    } while (this.buffer.length === 0);
    this.counts.getWaitMs += performance.now() - started;
    const sentinelAt = this.buffer.findIndex((e) => e.item === SENTINEL);
    const taken = this.buffer.splice(0, sentinelAt >= 0 ? Math.min(max, sentinelAt + 1) : max);
    this.counts.delivered += taken.length;
    if (taken.at(-1)!.item === SENTINEL) await this.release();
    this.inHand = taken;
    return taken;
  }

  /**
   * Reads new entries into the buffer: at once if some are waiting (read-3.lua, which wakes the
   * producers waiting for the room it made), else blocking up to `leftMs` (a slice at most).
   * Whether it got any.
   */
  private async read(consumer: string, leftMs: number): Promise<boolean> {
    const { stream, keys, group, batch } = this;
    let raw = (await this.scripts.read(stream, keys.counts, keys.room, group, consumer, batch)) as RawEntry[];
    if (raw.length === 0 && leftMs > 0) {
      const block = Math.max(1, Math.min(BLOCK_SLICE_MS, Math.ceil(leftMs)));
      const args = ['GROUP', group, consumer, 'COUNT', batch, 'BLOCK', block, 'STREAMS', stream, '>'] as const;
      const reply = (await this.redis.xreadgroup(...args)) as Array<[string, RawEntry[]]> | null;
      raw = reply?.[0]?.[1] ?? [];
      // Entries came while it blocked: the room they leave may be what a producer waits for.
      if (raw.length > 0) void this.scripts.room(keys.counts, keys.room).catch(() => {});
    }
    for (const entry of raw) this.buffer.push(toEntry(entry, false));
    this.bufferTouchedAt = performance.now();
    return raw.length > 0;
  }

  /** Acknowledges one entry: 'acked', or 'duplicate' if another consumer had acknowledged it already. */
  async ack(entry: StreamEntry): Promise<'acked' | 'duplicate'> {
    return (await this.ackMany([entry])).acked === 1 ? 'acked' : 'duplicate';
  }

  /**
   * Acknowledges entries in one script per kind (items; sentinels): how many were acknowledged now,
   * and how many had been acknowledged before (delivered twice: claimed by another consumer, who
   * acknowledged them first).
   */
  async ackMany(entries: readonly StreamEntry[]): Promise<{ acked: number; duplicates: number }> {
    const result = { acked: 0, duplicates: 0 };
    for (const kind of ['acked', 'sentinels'] as const) {
      const ids = entries.filter((e) => (e.item === SENTINEL) === (kind === 'sentinels')).map((e) => e.id);
      if (ids.length === 0) continue;
      const { stream, keys } = this;
      const reply = await this.scripts.ack(
        stream,
        keys.counts,
        keys.once,
        this.group,
        kind,
        ...this.once.next(),
        ...ids,
      );
      // A resent ack whose result was not kept: the server counted it; here all are taken as acknowledged.
      const acked = onceCount(reply, ids.length);
      result.acked += acked;
      result.duplicates += ids.length - acked;
    }
    this.counts.acked += result.acked;
    this.counts.duplicates += result.duplicates;
    return result;
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
   * Closes the connection. `leave`: give back the buffer, forget this client's once record and,
   * when this consumer holds no pending entries, remove it from the group (XGROUP DELCONSUMER), so
   * the group lists only live consumers.
   */
  async close({ leave = true } = {}): Promise<void> {
    try {
      if (leave && this.redis.status === 'ready') {
        await this.redis.hdel(this.keys.once, this.once.client);
        if (this.consumer !== undefined) {
          await this.release();
          const pending = (await this.redis.xpending(this.stream, this.group, '-', '+', 1, this.consumer)) as unknown[];
          if (pending.length === 0) await this.redis.xgroup('DELCONSUMER', this.stream, this.group, this.consumer);
        }
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

  /**
   * For a consumer alive but not taking, such as one waiting for a pool's permit: resets the idle
   * time of what it holds (the entries of its last take and its buffer), so no other consumer
   * claims them as a dead one's and handles them twice. Cheap to call often: it touches the
   * server once every claimIdleMs / 3 at most.
   */
  async keepFresh(): Promise<void> {
    await this.keepBufferFresh(this.requireConsumer(), this.inHand);
  }

  /**
   * Waits for `pending`, an item being handled asynchronously, while keeping what this consumer
   * holds fresh (as BullMQ renews an active job's lock): a live consumer's slow item is not claimed
   * and handled twice. A consumer that died, or whose thread is blocked, stops renewing, and what
   * it held is claimed after claimIdleMs as before.
   */
  async whileHandling<T>(pending: Promise<T>): Promise<T> {
    // A failed touch is the lost broker, which the run reports on its own.
    const timer = setInterval(() => void this.keepFresh().catch(() => {}), this.claimIdleMs / 4);
    try {
      return await pending;
    } finally {
      clearInterval(timer);
    }
  }

  /** Resets the idle time of buffered entries (and `alsoHeld`) before others would claim them. */
  private async keepBufferFresh(consumer: string, alsoHeld: readonly StreamEntry[] = []): Promise<void> {
    const held = [...alsoHeld, ...this.buffer];
    if (performance.now() - this.bufferTouchedAt < this.claimIdleMs / 3 || held.length === 0) return;
    this.bufferTouchedAt = performance.now();
    const ids = held.map((e) => e.id);
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
