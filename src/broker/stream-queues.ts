/**
 * The worker loop's adapters (src/pipeline/worker-loop.ts) over a Redis stream (StreamQueue): a
 * put is one script, a wait for room is woken by a consumer's read, a take reads a prefetch at a
 * time (claiming what a dead consumer left), and what a consumer finished is acknowledged in
 * batches without waiting for the reply (ack-batch.ts); a stage worker forwards each entry to the
 * next link's stream, acknowledging it in the same script (forwardWaiting).
 */
import type { Histogram } from 'hdr-histogram-js';
import { type Inlet, type LoopWorker, type Outlet, whileBlocked } from '../pipeline/worker-loop.js';
import type { AckBatch } from './ack-batch.js';
import type { StreamEntry, StreamQueue } from './stream-queue.js';

export class StreamOutlet implements Outlet {
  constructor(
    private readonly queue: StreamQueue,
    private readonly worker: LoopWorker,
  ) {}

  putFitting(items: unknown[], from: number): Promise<number> {
    return this.queue.putFitting(from === 0 ? items : items.slice(from));
  }

  /** Waits until a consumer's read makes room, then puts what fits; 0 if retired meanwhile. */
  async putWaiting(items: unknown[], from: number): Promise<number> {
    const put = async (): Promise<number | undefined> => {
      await this.queue.waitForRoom();
      if (this.worker.givesUp()) return undefined;
      return (await this.putFitting(items, from)) || undefined;
    };
    return (await whileBlocked(this.worker, 'blocked-full', put)) ?? 0;
  }
}

/**
 * A consumer's input, or a stage worker's: a stage worker has no acknowledgements to batch (its
 * forward acknowledges each entry with its put, StreamQueue.forward) and keeps no latency.
 */
/**
 * A stage worker's step: `item` (undefined: dropped) onto `output` with `entry` acknowledged on
 * `input`, in one script (StreamQueue.forward), waiting while `output` is full (shown as blocked).
 * 'duplicate': another stage worker had claimed the entry and forwarded it first; undefined: the
 * worker gave up waiting (retired), and the entry stays pending for another to claim.
 */
export async function forwardWaiting(
  worker: LoopWorker,
  input: StreamQueue,
  output: StreamQueue,
  entry: StreamEntry,
  item: unknown,
): Promise<'forwarded' | 'duplicate' | undefined> {
  const step = async (): Promise<'forwarded' | 'duplicate' | undefined> => {
    const outcome = await output.forward(input, entry, item);
    return outcome === 'full' ? undefined : outcome;
  };
  const first = await step();
  if (first !== undefined) return first;
  return whileBlocked(worker, 'blocked-full', async () => {
    await output.waitForRoom();
    return worker.givesUp() ? undefined : step();
  });
}

export class StreamInlet implements Inlet<StreamEntry> {
  constructor(
    private readonly queue: StreamQueue,
    private readonly worker: LoopWorker,
    private readonly consumer?: { acks: AckBatch; latency: Histogram },
  ) {}

  /** The consumer's prefetch (the queue reads this many at a time). */
  get batch(): number {
    return this.queue.batch;
  }

  /** What is buffered at once, else waiting, a refresh at a time, until an entry comes or the worker leaves. */
  take(max: number): Promise<StreamEntry[]> {
    const queue = this.queue;
    if (queue.buffered) return queue.take(max);
    const read = async (timeoutMs: number) => {
      const entries = await queue.take(max, { timeoutMs });
      return entries.length > 0 ? entries : undefined;
    };
    return whileBlocked(this.worker, 'blocked-empty', read).then((entries) => entries ?? []);
  }

  item(entry: StreamEntry): unknown {
    return entry.item;
  }

  /** Acknowledged in batches (counted once acknowledged: a duplicate was counted by who acked it first). */
  finished(entries: StreamEntry[], from: number, to: number): void {
    if (this.consumer === undefined) return;
    const { acks, latency } = this.consumer;
    for (let i = from; i < to; i++) {
      const entry = entries[i]!;
      acks.add(entry);
      const ageMs = Date.now() - entry.putAtMs; // NaN for an entry pipeline-tui did not put
      if (Number.isFinite(ageMs)) latency.recordValue(Math.max(0, Math.round(ageMs * 1000)));
      acks.flushIfDue();
    }
  }

  /**
   * Sends what is held when the batch read is done (the next take reads or waits) or the run is
   * paused (nothing finished waits through a pause); otherwise it goes when due (ack-batch.ts), so
   * items with work of their own, taken one at a time, are not acknowledged one script each.
   */
  settle(): void {
    if (!this.queue.buffered || this.worker.board.paused) this.consumer?.acks.flush();
  }

  /** Retired: its worker process is leaving; close() gives the buffer back and leaves the group. */
  leaving(): boolean {
    return this.worker.board.isRetired(this.worker.slot);
  }

  /** What it finished is acknowledged first, then the sentinel (it ends the batch the queue reads). */
  async sentinel(entries: StreamEntry[], at: number): Promise<void> {
    await this.consumer?.acks.settle();
    await this.queue.ackMany([entries[at]!]);
  }
}
