/**
 * A consumer's acknowledgements, sent in batches and without waiting for the reply: the entries it
 * has finished go in one ack script (XACK + XDEL + the counts, ack-3.lua) once ACK_DELAY_MS has gone
 * by since the first of them finished, when the batch it read is done (`flush`), or — while the
 * consumer awaits something, an async item say — on a timer. So the consumer never waits for an
 * acknowledgement before its next item, and a slow item does not hold back the acknowledgement of
 * the fast ones before it past ACK_DELAY_MS (while the thread is free to run the timer: a
 * synchronous item blocks the thread, and the ones finished within ACK_DELAY_MS before it wait).
 * The counts come back later, to `onAcked`; a failed ack is thrown by the next call.
 */
import type { StreamEntry, StreamQueue } from './stream-queue.js';

/** Longest an acknowledgement waits to go with others (while the thread is free). */
export const ACK_DELAY_MS = 20;

export class AckBatch {
  private held: StreamEntry[] = [];
  private heldSince = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  /** Armed while something is held (a timer per consumer ticking all the time would cost CPU for nothing). */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly queue: StreamQueue,
    private readonly onAcked: (acked: number) => void,
    private readonly delayMs = ACK_DELAY_MS,
  ) {}

  /** An entry finished: acknowledged with the next batch. */
  add(entry: StreamEntry): void {
    this.rethrow();
    if (this.held.length === 0) {
      this.heldSince = performance.now();
      this.timer = setTimeout(() => this.flush(), this.delayMs);
    }
    this.held.push(entry);
  }

  /** Sends what is held if the first of it has waited ACK_DELAY_MS. */
  flushIfDue(): void {
    if (this.held.length > 0 && performance.now() - this.heldSince >= this.delayMs) this.flush();
  }

  /** Sends what is held now (one script), without waiting for the reply. */
  flush(): void {
    if (this.held.length === 0) return;
    clearTimeout(this.timer);
    const batch = this.held;
    this.held = [];
    const sent = this.queue.ackMany(batch).then(
      ({ acked }) => this.onAcked(acked),
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Sends what is held and waits for every acknowledgement sent; throws the first that failed. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  /** Stops the timer (what is held stays unacknowledged: `settle` first). */
  close(): void {
    clearTimeout(this.timer);
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
