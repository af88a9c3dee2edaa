/**
 * The worker loop's adapters over a shared-memory link (a BoundedQueue): they answer at once with
 * plain values while the link has room or items, and wait (worker-loop's whileBlocked) only when
 * it has none. A link seen full or empty goes straight to the wait: in a backed-up pipeline that
 * is most calls, and a QueueFull or QueueEmpty thrown (its stack captured) for each of them cost
 * more than the put or get itself.
 */
import type { Histogram } from 'hdr-histogram-js';
import { type BoundedQueue, QueueEmpty, QueueFull, SENTINEL } from '../queue/index.js';
import { type Inlet, type LoopWorker, type Outlet, whileBlocked } from './worker-loop.js';

/** Most items a consumer with nothing to do per item takes at once, under one lock hold. */
const BATCH = 64;

/** `attempt`, or undefined when it threw `gaveUp` (a put or get whose wait timed out). */
function unless<T>(gaveUp: typeof QueueFull | typeof QueueEmpty, attempt: () => T): T | undefined {
  try {
    return attempt();
  } catch (error) {
    if (error instanceof gaveUp) return undefined;
    throw error;
  }
}

export class LinkOutlet implements Outlet {
  constructor(
    private readonly queue: BoundedQueue<unknown>,
    private readonly worker: LoopWorker,
  ) {}

  /**
   * Puts what fits of items[from..] under one lock hold, sized by the room seen, so it rarely
   * throws QueueFull (then another producer took some of the room: what went in is counted).
   */
  putFitting(items: unknown[], from: number): number {
    const queue = this.queue;
    const n = Math.min(items.length - from, queue.capacity - queue.qsize());
    if (n <= 0) return 0;
    try {
      queue.putMany(from === 0 && n === items.length ? items : items.slice(from, from + n), { block: false });
      return n;
    } catch (error) {
      if (error instanceof QueueFull) return error.putCount;
      throw error;
    }
  }

  /** Puts items[from] with a blocking put: one item, once there is room. */
  putWaiting(items: unknown[], from: number): Promise<number> {
    const item = items[from];
    const put = (timeout: number) =>
      unless(QueueFull, () => {
        this.queue.put(item, { timeout });
        return 1;
      });
    return whileBlocked(this.worker, 'blocked-full', put) as Promise<number>;
  }
}

/**
 * Items of a link. The age each item waited is the queue's for the last one taken: a batch's items
 * are recorded with the age of its youngest — a batch is taken from a backed-up queue, where its
 * items were put microseconds apart and have waited for the whole queue ahead of them.
 */
export class LinkInlet implements Inlet<unknown> {
  readonly batch = BATCH;
  private ageMs = 0;

  /** @param latency a consumer's histogram (a stage worker keeps none) */
  constructor(
    private readonly queue: BoundedQueue<unknown>,
    private readonly worker: LoopWorker,
    private readonly latency?: Histogram,
  ) {}

  take(max: number): unknown[] | Promise<unknown[]> {
    const queue = this.queue;
    if (!queue.empty()) {
      const batch = unless(QueueEmpty, () => queue.getMany(max, { block: false }));
      if (batch !== undefined) return this.taken(batch);
    }
    const get = (timeout: number) => unless(QueueEmpty, () => queue.getMany(max, { timeout }));
    return whileBlocked(this.worker, 'blocked-empty', get).then((batch) => this.taken(batch!));
  }

  private taken(batch: unknown[]): unknown[] {
    this.ageMs = this.queue.lastItemAgeMs;
    return batch;
  }

  item(entry: unknown): unknown {
    return entry;
  }

  finished(_entries: unknown[], from: number, to: number): void {
    const { board, slot } = this.worker;
    board.addItems(slot, to - from);
    this.latency?.recordValueWithCount(Math.max(0, Math.round(this.ageMs * 1000)), to - from);
  }

  settle(): void {}

  leaving(): boolean {
    return false;
  }

  /**
   * getMany does not stop at a sentinel. A batch holding this worker's sentinel may also hold the
   * ones queued behind it for other consumers: those go back, still behind every item. After a
   * removal mid-run it may hold items put after the sentinel: they cannot go back without passing
   * items put after them, so this worker counts them as its own and leaves.
   */
  async sentinel(entries: unknown[], at: number): Promise<void> {
    const rest = entries.slice(at + 1);
    const items = rest.filter((e) => e !== SENTINEL).length;
    if (items > 0) this.finished(rest, 0, items);
    const outlet = new LinkOutlet(this.queue, this.worker);
    for (let i = items; i < rest.length; i++) {
      if (outlet.putFitting([SENTINEL], 0) === 0) await outlet.putWaiting([SENTINEL], 0);
    }
  }
}
