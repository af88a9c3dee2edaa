/**
 * The worker loop's adapters (src/pipeline/worker-loop.ts) over a Redis stream (StreamQueue): a
 * put is one script, a wait for room is woken by a consumer's read, a take reads a prefetch at a
 * time (claiming what a dead consumer left), and what a consumer finished is acknowledged in
 * batches without waiting for the reply (ack-batch.ts); a stage worker passes its results on to
 * the next link's stream a batch at a time, acknowledging their entries in the same script
 * (StreamStageInlet).
 */
import type { Histogram } from 'hdr-histogram-js';
import { type Inlet, type LoopWorker, type Outlet, whileBlocked } from '../pipeline/worker-loop.js';
import { ACK_DELAY_MS, type AckBatch } from './ack-batch.js';
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

/** A consumer's input (and the reading side of a stage worker's: StreamStageInlet). */
export class StreamInlet implements Inlet<StreamEntry> {
  constructor(
    protected readonly queue: StreamQueue,
    protected readonly worker: LoopWorker,
    /** A consumer's acknowledgements and latency (a stage worker's forward acknowledges). */
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

/**
 * A stage worker's input: the stage's result for each entry is held (`hold`) and passed on to the
 * next link's stream with the entries' acknowledgements in one script (StreamQueue.forward) when
 * the batch it read is done, when the first held has waited ACK_DELAY_MS (a slow transform does
 * not hold the fast ones back), when the run is paused, and before its sentinel is acknowledged.
 * It waits while that stream is full (shown as blocked); retired meanwhile, it leaves what it held
 * pending, for another stage worker to claim. Each entry passed on is counted (in, and out or
 * dropped); one another worker claimed and passed on first is theirs.
 */
export class StreamStageInlet extends StreamInlet {
  private held: Array<{ entry: StreamEntry; item: unknown }> = [];
  private heldSince = 0;

  constructor(
    input: StreamQueue,
    private readonly output: StreamQueue,
    worker: LoopWorker,
  ) {
    super(input, worker);
  }

  /** The stage made `item` of `entry` (undefined: dropped it). */
  hold(entry: StreamEntry, item: unknown): void {
    if (this.held.length === 0) this.heldSince = performance.now();
    this.held.push({ entry, item });
  }

  override settle(): Promise<void> | undefined {
    if (this.held.length === 0) return undefined;
    const due = performance.now() - this.heldSince >= ACK_DELAY_MS;
    if (this.queue.buffered && !due && !this.worker.board.paused) return undefined;
    return this.pass();
  }

  override async sentinel(entries: StreamEntry[], at: number): Promise<void> {
    await this.pass();
    await super.sentinel(entries, at);
  }

  private async pass(): Promise<void> {
    let rest = this.held.splice(0);
    const step = async (): Promise<true | undefined> => {
      const outcomes = await this.output.forward(this.queue, rest);
      this.count(rest, outcomes);
      rest = rest.slice(outcomes.length);
      return rest.length === 0 ? true : undefined;
    };
    if (rest.length === 0 || (await step())) return;
    await whileBlocked(this.worker, 'blocked-full', async () => {
      await this.output.waitForRoom();
      return this.worker.givesUp() ? undefined : step();
    });
  }

  private count(results: ReadonlyArray<{ item: unknown }>, outcomes: string): void {
    const { board, slot } = this.worker;
    for (let i = 0; i < outcomes.length; i++) {
      if (outcomes[i] !== 'f') continue;
      board.addItem(slot);
      if (results[i]!.item === undefined) board.addDropped(slot);
      else board.addOut(slot);
    }
  }
}
