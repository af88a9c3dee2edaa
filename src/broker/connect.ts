/**
 * Connections to the broker (ioredis), with the two failure stories people need told plainly:
 *
 * - At the start, a broker that cannot be used — refused, unknown host, no answer, a wrong or
 *   missing password, TLS that does not match — is one line naming the host and the cause
 *   (BrokerUnavailableError, exit code 5), within CONNECT_TIMEOUT_MS, no stack trace. A worker
 *   thread joining a run whose broker was answering (`retryFirstWhile`) is not told at once: the
 *   broker may be restarting under the run, so a first connection that could yet succeed is
 *   retried until the run gives up on the broker (or stops).
 * - Once connected, a broker that goes away is retried with exponential backoff for
 *   RECONNECT_FOR_MS (commands wait meanwhile, `onLost` says so); back in time, `onBack`; not back,
 *   the connection ends, every waiting command fails, and `onGone` says so. A broker that keeps
 *   the connection open but answers nothing (its process stopped, its machine frozen) is a lost
 *   broker too: a command left unanswered for ANSWER_TIMEOUT_MS drops the connection (ioredis's
 *   socketTimeout), and the same retrying follows.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { type BrokerAddress, hostPort, redactUrl } from './broker-url.js';

/** How long a first connection may take (TCP, TLS, AUTH, a first reply) before it is given up. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a command may wait for the broker's answer before the connection is taken for lost.
 * Far above any of our commands' work (a blocking read waits at most BLOCK_SLICE_MS, 250 ms).
 */
export const ANSWER_TIMEOUT_MS = 5_000;
/** How long a lost broker is retried before the run gives up on it. */
export const RECONNECT_FOR_MS = 15_000;
/** First and largest pause between reconnection attempts. */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 2_000;

/** Causes of a failed connection that no waiting ends (describeCause's words): the others may pass. */
const LASTING_CAUSE = /^(the password was refused|a password was given|the broker wants a password|unknown host|TLS)/;

/** The broker cannot be used: one line naming the host and the cause (exit code 5). */
export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError';
  /** Whether trying again may help: a broker down or restarting, not a refused password or TLS. */
  readonly passing: boolean;

  constructor(
    at: string,
    /** The cause in a few words (describeCause). */
    readonly reason: string,
  ) {
    super(`cannot use the broker at ${at}: ${reason}`);
    this.passing = !LASTING_CAUSE.test(reason);
  }
}

export interface ConnectOptions {
  /** CLIENT SETNAME, so `CLIENT LIST` on the server shows who is who. */
  name?: string;
  /**
   * Retry a first connection that failed for a cause that may pass (refused, no answer, closed)
   * while this says so (default: never, the user hears at once). For workers joining a run whose
   * broker answered: the run, not the worker, decides when the broker is gone.
   */
  retryFirstWhile?: () => boolean;
  /** Retry a lost broker for this long (default RECONNECT_FOR_MS). */
  reconnectForMs?: number;
  /** The connection dropped (or, with `retryFirstWhile`, a first try failed); it is retried meanwhile. */
  onLost?: (cause: string) => void;
  /** It came back. */
  onBack?: () => void;
  /** It did not come back within `reconnectForMs`: commands now fail. */
  onGone?: (cause: string) => void;
}

const closing = new WeakSet<Redis>();

/**
 * Closes a connection on purpose (no onLost/onGone): QUIT, then the socket is closed in any case —
 * a broker that does not answer the QUIT must not keep the process alive.
 */
export async function closeBroker(redis: Redis): Promise<void> {
  closing.add(redis);
  if (redis.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ANSWER_TIMEOUT_MS)));
    await Promise.race([redis.quit().catch(() => {}), late]);
    clearTimeout(timer);
  }
  redis.disconnect();
}

/**
 * ioredis sets the commands that were in flight when a connection dropped aside, to send them again
 * once it is back (autoResendUnfulfilledCommands); when it never comes back, nothing settles them,
 * and whoever awaits one waits forever. At the end they fail as every other waiting command does.
 */
function failHeldCommands(redis: Redis): void {
  const held = (redis as unknown as { prevCommandQueue?: { shift(): { command: { reject(e: Error): void } } } })
    .prevCommandQueue;
  for (let item = held?.shift(); item !== undefined; item = held?.shift())
    item.command.reject(new Error('Connection is closed.'));
}

/** The cause of a failed connection in a few words, from the client's error. */
export function describeCause(error: Error | undefined): string {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error?.message ?? '';
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) return 'the password was refused';
  if (/AUTH.*without any password configured/i.test(message)) return 'a password was given but the broker has none';
  if (/NOAUTH/i.test(message)) return 'the broker wants a password (redis://:password@host:port)';
  if (code === 'ECONNREFUSED') return 'connection refused (is redis-server running there?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (/^Socket timeout/.test(message)) return `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`;
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was closed by the other side';
  if (/ssl|tls|certificate|wrong version number/i.test(message)) return `TLS failed: ${redactUrl(message)}`;
  return error === undefined ? 'the connection was closed' : redactUrl(message.split('\n')[0]!);
}

/**
 * Opens a connection and waits until it answers. @throws BrokerUnavailableError (one line: the host
 * and the cause) when it cannot within CONNECT_TIMEOUT_MS — or, with `retryFirstWhile`, once that
 * says to stop retrying a cause that may pass.
 */
export async function connectBroker(address: BrokerAddress, options: ConnectOptions = {}): Promise<Redis> {
  const { retryFirstWhile = () => false } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(address, options);
    } catch (error) {
      const pause = backoffMs(attempt);
      const passing = error instanceof BrokerUnavailableError && error.passing;
      if (!passing || !retryFirstWhile()) throw error;
      if (attempt === 1) options.onLost?.(error.reason);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** The pause before reconnection attempt `attempt` (1, 2, …): exponential, capped. */
const backoffMs = (attempt: number): number =>
  Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(attempt - 1, 10));

async function connectOnce(address: BrokerAddress, options: ConnectOptions): Promise<Redis> {
  const { reconnectForMs = RECONNECT_FOR_MS, onLost, onBack, onGone } = options;
  let connected = false;
  let lostAt: number | undefined;
  let lastError: Error | undefined;
  const settings: RedisOptions = {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username === undefined ? {} : { username: address.username }),
    ...(address.password === undefined ? {} : { password: address.password }),
    ...(address.tls ? { tls: { servername: address.host } } : {}),
    ...(options.name === undefined ? {} : { connectionName: options.name }),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: ANSWER_TIMEOUT_MS,
    // Commands wait for a reconnection instead of failing after a retry count; the retry window
    // below bounds the wait.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => {
      if (!connected) return null; // the first connection is not retried: the user hears at once
      lost();
      if (performance.now() - lostAt! > reconnectForMs) return null;
      return backoffMs(attempt);
    },
  };
  const redis = new Redis(settings);
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  // Called from 'close' and from the retry strategy, whichever ioredis runs first.
  const lost = (): void => {
    if (!connected || lostAt !== undefined || closing.has(redis)) return;
    lostAt = performance.now();
    onLost?.(describeCause(lastError));
  };
  redis.on('close', lost);
  redis.on('ready', () => {
    if (!connected || lostAt === undefined) return;
    lostAt = undefined;
    onBack?.();
  });
  redis.on('end', () => {
    failHeldCommands(redis);
    if (connected && !closing.has(redis)) onGone?.(describeCause(lastError));
  });
  // Past the deadline the connection is closed; a reply that still comes before the socket has
  // closed must not hand out a connection that is closing (its next command would fail).
  let late = false;
  const deadline = setTimeout(() => {
    late = true;
    lastError ??= Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
    redis.disconnect();
  }, CONNECT_TIMEOUT_MS);
  try {
    await redis.connect();
    await redis.ping(); // a reply, not just a socket: AUTH and SELECT went through
    if (late) throw lastError;
    connected = true;
    return redis;
  } catch (error) {
    redis.disconnect();
    const cause = describeCause(lastError ?? (error as Error));
    throw new BrokerUnavailableError(hostPort(address), cause);
  } finally {
    clearTimeout(deadline);
  }
}
