/**
 * BrokerSemaphore: a BoundedSemaphore kept on the broker, so that processes on many machines share
 * its permits — the toolkit's `acquire({ blocking, timeout })` / `release()`, made async because
 * every step is a round trip to Redis. Its Lua scripts are in ./scripts/ (*-permit*.lua).
 *
 *   <name>:leases    a sorted set: one lease per permit held, holder -> expiry (the server's clock).
 *                    A holder renews its leases while it lives (every leaseMs / 3); one that dies
 *                    without releasing (killed, its machine gone) stops renewing, and its permit
 *                    is reclaimed by the next acquire once the lease expires: no permit leaks.
 *   <name>:permits   a hash: `size` (every process must open the name with the same value),
 *                    `bound` (the most held at once, when resize() changed it from `size`),
 *                    `maxInUse` (the most ever held at once, raised inside the acquire script: the
 *                    server's own proof that the bound held), `acquisitions`, `expired` leases, and
 *                    `wanted` (acquirers waiting for a token).
 *   <name>:wake      the list waiting acquirers block on (BLPOP): a release pushes a token for a
 *                    waiter, so it wakes without polling; a waiter also wakes when the first lease
 *                    expires, to reclaim it.
 *   <name>:once      each client's last release (once.lua): a release that ioredis resends after a
 *                    reconnect does not give back a permit twice.
 *
 * A permit is released by the object that acquired it (its lease is renewed by it); release() with
 * none held throws SemaphoreOverReleaseError, as BoundedSemaphore does past its initial value.
 * No wake order is promised. A lease is renewed on its holder's event loop: work that blocks the
 * loop for longer than the lease loses the permit (release then throws PermitLostError).
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { SemaphoreOverReleaseError } from '../sync/errors.js';
import { acquireDeadline, remaining } from '../sync/futex.js';
import type { AcquireOptions } from '../sync/hold.js';
import { type BrokerAddress, parseBrokerUrl } from './broker-url.js';
import { type ConnectOptions, closeBroker, connectBroker } from './connect.js';
import { OnceTag, type Script, type ScriptName, scriptsOf } from './scripts.js';

/** How long a permit's lease lasts unless renewed (its holder renews it three times within). */
export const PERMIT_LEASE_MS = 10_000;
/**
 * Longest single wait for a token before the acquire tries again: well under the connection's
 * ANSWER_TIMEOUT_MS, which would take a longer BLPOP for a broker that does not answer.
 */
const WAIT_SLICE_MS = 1_000;
/** Shortest wait worth a BLPOP (a timeout of 0 would block forever). */
const MIN_WAIT_MS = 5;

/** The keys of the semaphore named `name` (see the header). */
export const semaphoreKeys = (name: string) => ({
  leases: `${name}:leases`,
  permits: `${name}:permits`,
  wake: `${name}:wake`,
  once: `${name}:once`,
});

/** A permit this object held was taken back by the server (its lease expired): the bound may have been exceeded. */
export class PermitLostError extends Error {
  override name = 'PermitLostError';
}

export interface BrokerSemaphoreOptions {
  /** Where it lives on the broker: its keys are `<name>:leases`, `<name>:permits`, `<name>:wake`, `<name>:once`. */
  name: string;
  /** Initial and maximum permits (default 1): the same in every process that opens `name`. */
  value?: number;
  /** How long a permit outlives its holder (default PERMIT_LEASE_MS); renewed every third of it. */
  leaseMs?: number;
}

/** The semaphore's record as the server keeps it. */
export interface PermitCounts {
  /** Permits held now (leases not expired). */
  inUse: number;
  /** The most permits ever held at once: never more than the value. */
  maxInUse: number;
  acquisitions: number;
  /** Leases that expired and were reclaimed (holders that died, or lost the broker too long). */
  expired: number;
}

/** The record the server keeps of the semaphore named `name` (see PermitCounts), over any connection. */
export async function readPermits(redis: Redis, name: string): Promise<PermitCounts> {
  const { leases, permits } = semaphoreKeys(name);
  const [inUse, maxInUse, acquisitions, expired] = (await scriptsOf(redis).countPermits(leases, permits)) as number[];
  return { inUse: inUse!, maxInUse: maxInUse!, acquisitions: acquisitions!, expired: expired! };
}

export class BrokerSemaphore {
  readonly name: string;
  /** The initial and maximum number of permits. */
  readonly value: number;
  readonly leaseMs: number;
  private readonly keys: ReturnType<typeof semaphoreKeys>;
  private readonly scripts: Record<ScriptName, Script>;
  private readonly once = new OnceTag();
  private readonly holderPrefix = `${hostname()}:${process.pid}:${this.once.client.slice(0, 8)}`;
  private acquireCalls = 0;
  /** This object's holders with a lease, oldest first; those the server took back are in `lost`. */
  private readonly held: string[] = [];
  private readonly lost = new Set<string>();
  private renewal: NodeJS.Timeout | undefined;
  /** Connections for waiting (a BLPOP holds its connection), one per waiting acquire at most. */
  private readonly idle: Redis[] = [];
  private readonly waiters = new Set<Redis>();
  private closed = false;

  private constructor(
    readonly redis: Redis,
    private readonly address: BrokerAddress,
    private readonly connect: ConnectOptions,
    options: Required<BrokerSemaphoreOptions>,
  ) {
    this.name = options.name;
    this.value = options.value;
    this.leaseMs = options.leaseMs;
    this.keys = semaphoreKeys(options.name);
    this.scripts = scriptsOf(redis);
  }

  /**
   * Connects (see connectBroker for the errors) and checks that `name` has `value` permits if it
   * exists already. @throws RangeError for a bad value or lease, or a value other than the one
   * the semaphore was made with.
   */
  static async open(
    url: string | BrokerAddress,
    { name, value = 1, leaseMs = PERMIT_LEASE_MS }: BrokerSemaphoreOptions,
    connect: ConnectOptions = {},
  ): Promise<BrokerSemaphore> {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`semaphore value must be a non-negative integer, got ${String(value)}`);
    if (!Number.isInteger(leaseMs) || leaseMs < 30)
      throw new RangeError(`leaseMs must be an integer of at least 30 ms, got ${String(leaseMs)}`);
    const address = typeof url === 'string' ? parseBrokerUrl(url) : url;
    const redis = await connectBroker(address, { name: `${name}@${hostname()}:${process.pid}`, ...connect });
    const semaphore = new BrokerSemaphore(redis, address, connect, { name, value, leaseMs });
    try {
      await semaphore.checkSize();
    } catch (error) {
      await closeBroker(redis);
      throw error;
    }
    return semaphore;
  }

  /**
   * Takes one permit. With no options, waits while there is none and resolves true. With
   * `blocking: false`, resolves false at once if none is free. With `timeout` (ms), resolves false
   * if none came free in time. A permit whose holder died is free again once its lease expires.
   */
  async acquire(opts?: AcquireOptions): Promise<boolean> {
    const deadline = acquireDeadline(opts); // validates the options as the toolkit does
    this.checkOpen();
    const holder = `${this.holderPrefix}:${++this.acquireCalls}`;
    for (;;) {
      const willWait = remaining(deadline) > 0;
      const [taken, untilExpiry] = await this.tryAcquire(holder, willWait);
      if (taken) {
        this.held.push(holder);
        this.renewing();
        return true;
      }
      const left = remaining(deadline);
      if (left === 0) return false;
      // Woken by a release's token, or when the first lease expires (to reclaim it), or by the slice.
      const fallback = untilExpiry < 0 ? Number.POSITIVE_INFINITY : untilExpiry + 1;
      await this.waitForToken(Math.min(left, fallback, WAIT_SLICE_MS));
    }
  }

  /**
   * Gives back a permit this object holds, waking a waiter (wherever it runs).
   * @throws SemaphoreOverReleaseError if this object holds none (release only what you acquired).
   * @throws PermitLostError if the permit's lease had expired and the server had taken it back:
   *   its holder kept the broker unanswered for longer than the lease, and another may have held
   *   the permit meanwhile.
   */
  async release(): Promise<void> {
    this.checkOpen();
    const holder = [...this.lost][0] ?? this.held.at(-1);
    if (holder === undefined)
      throw new SemaphoreOverReleaseError(
        `BrokerSemaphore "${this.name}" released more times than it was acquired here: release only what ` +
          'you acquired (a permit is released by the object that acquired it)',
      );
    this.held.splice(this.held.indexOf(holder), 1);
    if (this.held.length === 0) this.stopRenewing();
    const wasLost = this.lost.delete(holder);
    const { leases, permits, wake, once } = this.keys;
    const reply = wasLost
      ? '0'
      : await this.scripts.releasePermit(leases, permits, wake, once, this.value, holder, ...this.once.next());
    if (reply === '0') throw this.lostError();
  }

  /**
   * Sets the most permits held at once to `n`, for every process that uses the semaphore (not in
   * Python: for a pool resized while it is in use). A raise wakes waiters for the new permits at
   * once; a lowering revokes no permit — none is given out until fewer than `n` are held.
   * Resolves with the permits in use once the server has the new bound.
   * @throws RangeError if `n` is not a positive integer
   */
  async resize(n: number): Promise<number> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`a semaphore's bound must be a positive integer, got ${n}`);
    this.checkOpen();
    const { leases, permits, wake } = this.keys;
    try {
      return (await this.scripts.resizePermits(leases, permits, wake, this.value, n)) as number;
    } catch (error) {
      const recorded = /^WRONGSIZE (\d+)/.exec((error as Error).message)?.[1];
      throw recorded === undefined ? error : this.sizeError(recorded);
    }
  }

  /** The most permits held at once now: the value, unless resize() changed it. */
  async bound(): Promise<number> {
    return Number((await this.redis.hget(this.keys.permits, 'bound')) ?? this.value);
  }

  /** Permits this object holds now. */
  get holding(): number {
    return this.held.length;
  }

  /** The server's record (see PermitCounts). */
  counts(): Promise<PermitCounts> {
    return readPermits(this.redis, this.name);
  }

  /**
   * Stops renewing and closes the connections. Permits still held are not released: they come back
   * when their leases expire, as a dead holder's do. Release them first to hand them on at once.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopRenewing();
    // A waiter's BLPOP ends with its connection; its acquire then fails ('Connection is closed').
    await Promise.all([...this.idle, ...this.waiters, this.redis].map(closeBroker));
  }

  // --- private ---------------------------------------------------------------------------------

  private async checkSize(): Promise<void> {
    const recorded = await this.redis.hget(this.keys.permits, 'size');
    if (recorded !== null && Number(recorded) !== this.value) throw this.sizeError(recorded);
  }

  private sizeError(recorded: string): RangeError {
    return new RangeError(
      `BrokerSemaphore "${this.name}" has ${recorded} permits on the broker, not ${this.value}: ` +
        'open it with the same value everywhere (or use another name)',
    );
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`BrokerSemaphore "${this.name}" is closed: open it again to use it`);
  }

  private lostError(): PermitLostError {
    return new PermitLostError(
      `a permit of BrokerSemaphore "${this.name}" was lost: its lease (${this.leaseMs} ms) expired before it was ` +
        'released (the broker was out of reach, or this event loop blocked, for that long); use a longer leaseMs',
    );
  }

  /** One acquire script: [taken, ms until the first lease expires (-1: none)]. */
  private async tryAcquire(holder: string, willWait: boolean): Promise<[boolean, number]> {
    const { leases, permits, wake } = this.keys;
    try {
      const [taken, n] = (await this.scripts.acquirePermit(
        ...[leases, permits, wake, this.value, holder, this.leaseMs, willWait ? 1 : 0],
      )) as [number, number];
      return [taken === 1, n];
    } catch (error) {
      const recorded = /^WRONGSIZE (\d+)/.exec((error as Error).message)?.[1];
      throw recorded === undefined ? error : this.sizeError(recorded);
    }
  }

  /** Waits up to `ms` for a release's token on a connection of its own (a BLPOP holds it). */
  private async waitForToken(ms: number): Promise<void> {
    if (ms < MIN_WAIT_MS) return;
    const connection = this.idle.pop() ?? (await this.connectForWaiting());
    this.waiters.add(connection);
    try {
      await connection.blpop(this.keys.wake, ms / 1000);
    } finally {
      this.waiters.delete(connection);
      if (this.closed) await closeBroker(connection);
      else this.idle.push(connection);
    }
  }

  /** A connection to wait on: retried as the main one is, whose callbacks alone tell the news. */
  private connectForWaiting(): Promise<Redis> {
    const { reconnectForMs } = this.connect;
    return connectBroker(this.address, { name: `${this.name}:wait`, ...(reconnectForMs ? { reconnectForMs } : {}) });
  }

  private renewing(): void {
    if (this.renewal !== undefined) return;
    this.renewal = setInterval(() => void this.renew().catch(() => {}), this.leaseMs / 3);
    this.renewal.unref(); // a holder that is otherwise done must not be kept alive by its leases
  }

  private stopRenewing(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }

  /** Renews every lease held; those the server took back and gave to others are lost. */
  private async renew(): Promise<void> {
    const holders = this.held.filter((h) => !this.lost.has(h));
    if (holders.length === 0) return;
    const { leases, permits } = this.keys;
    const lost = (await this.scripts.renewPermits(leases, permits, this.value, this.leaseMs, ...holders)) as string[];
    // A holder released meanwhile is no longer held: its loss is no news.
    for (const holder of lost) if (this.held.includes(holder)) this.lost.add(holder);
  }
}
