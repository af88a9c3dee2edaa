/**
 * The source behind `pipeline-tui watch`: a read-only look at a stream that someone else fills,
 * sampled every refresh into a WatchSnapshot — the watch's counterpart of a run's Snapshot, fed
 * to the same kinds of sinks (dashboard, plain lines, JSON lines). Rates are differences between
 * two samples on the server's clock. A broker that goes away is retried (see connect.ts); the
 * snapshots say `lost` meanwhile, and `gone` once it is given up.
 */
import type { Redis } from 'ioredis';
import type { BrokerAddress } from './broker-url.js';
import { closeBroker, connectBroker, describeCause } from './connect.js';
import { readStreamStats, type StreamStats } from './stream-stats.js';

export type BrokerConnection = 'ok' | 'lost' | 'gone';

export interface WatchSnapshot extends StreamStats {
  /** Milliseconds since the watch started. */
  t: number;
  /** The broker's URL, password redacted. */
  broker: string;
  stream: string;
  /** The one group watched (`--group`), or null for all. */
  group: string | null;
  connection: BrokerConnection;
  /** Why the connection is lost or gone. */
  connectionNote?: string;
  /** Entries added per second since the previous sample (0 for the first). */
  addedPerSecond: number;
}

export interface WatchOptions {
  stream: string;
  group?: string | undefined;
  refreshMs: number;
  onSnapshot: (snapshot: WatchSnapshot) => void;
  reconnectForMs?: number;
}

export interface WatchHandle {
  /** Ends the watch after the sample in progress. */
  stop(): void;
  /** Resolves 'stopped' after stop(), or 'gone' (with the cause) when the broker was given up. */
  readonly done: Promise<{ ended: 'stopped' } | { ended: 'gone'; cause: string }>;
}

/** Connects (throws BrokerUnavailableError as connectBroker does), then samples until stopped. */
export async function startWatch(address: BrokerAddress, options: WatchOptions): Promise<WatchHandle> {
  const started = performance.now();
  let last: WatchSnapshot | undefined;
  let connection: BrokerConnection = 'ok';
  let note: string | undefined;
  const emit = (
    { serverMs, exists, length, entriesAdded, lastId, groups }: StreamStats,
    addedPerSecond: number,
  ): void => {
    last = {
      t: performance.now() - started,
      broker: address.shown,
      stream: options.stream,
      group: options.group ?? null,
      connection,
      ...(note === undefined ? {} : { connectionNote: note }),
      addedPerSecond,
      ...{ serverMs, exists, length, entriesAdded, lastId, groups },
    };
    options.onSnapshot(last);
  };
  // The last figures again, with the connection's news (nothing can be read meanwhile).
  const tell = (): void => {
    if (last !== undefined) emit(last, last.addedPerSecond);
  };
  const redis: Redis = await connectBroker(address, {
    name: 'pipeline-tui-watch',
    ...(options.reconnectForMs === undefined ? {} : { reconnectForMs: options.reconnectForMs }),
    onLost: (cause) => {
      connection = 'lost';
      note = `${cause}; reconnecting`;
      tell();
    },
    onBack: () => {
      connection = 'ok';
      note = undefined;
    },
    onGone: (cause) => {
      connection = 'gone';
      note = cause;
      tell();
    },
  });

  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async (): Promise<{ ended: 'stopped' } | { ended: 'gone'; cause: string }> => {
    let previous: StreamStats | undefined;
    try {
      while (!stopped) {
        const stats = await readStreamStats(redis, options.stream, options.group);
        const seconds = previous === undefined ? 0 : (stats.serverMs - previous.serverMs) / 1000;
        const added = previous === undefined ? 0 : stats.entriesAdded - previous.entriesAdded;
        emit(stats, seconds > 0 ? Math.max(0, added) / seconds : 0);
        previous = stats;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.refreshMs);
        });
      }
      return { ended: 'stopped' };
    } catch (error) {
      if (stopped) return { ended: 'stopped' };
      return { ended: 'gone', cause: note ?? describeCause(error as Error) };
    } finally {
      await closeBroker(redis);
    }
  })();
  return {
    stop: () => {
      stopped = true;
      wake?.();
      // A read waiting for a lost broker would wait out the whole retry window: drop it now.
      if (connection !== 'ok') void closeBroker(redis);
    },
    done,
  };
}
