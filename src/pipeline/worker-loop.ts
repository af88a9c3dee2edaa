/**
 * The loop of every pipeline worker, whatever its queue: a producer, a stage worker and a consumer
 * over a small queue adapter — an Outlet (put what fits, put waiting) and an Inlet (take a batch,
 * acknowledge what is finished) — that shared memory (worker-main.ts) and a Redis stream
 * (src/broker/stream-worker-main.ts) each provide. What the loop does once for both:
 * - producers claim the run's budget CLAIM_SIZE items at a time; the built-in workload with no
 *   work per item puts each claim in as few puts as the room allows, else item by item (the user's
 *   `produce(ctx)` or the built-in items, paced to `--rate`);
 * - a consumer takes a batch when it has no work per item, else one item at a time, does the user's
 *   `consume(item, ctx)` or the built-in work, and stops at its sentinel or when told to leave;
 * - pause, stop and retire are looked at before each claim, chunk and batch (Steering), and a
 *   wait on a full or empty link is shown as blocked, a refresh at a time, honouring a pause.
 * The adapters return plain values where their queue answers at once (shared memory) and promises
 * where it answers over the network: the loop awaits only a promise, so the shared-memory hot path
 * never waits on a microtask.
 */
import { SENTINEL } from '../queue/sentinel.js';
import type { PipelineBoard } from './metrics.js';
import type { PipelineConfig, WorkerState } from './types.js';
import type { Steering, WorkerMessage } from './worker-life.js';
import { CLAIM_SIZE, ITEM_ID_STRIDE } from './workload.js';

type Maybe<T> = T | Promise<T>;

/** Where a worker puts its items. */
export interface Outlet {
  /** Puts what fits of items[from..] without waiting: how many went in (0 when the link is full). */
  putFitting(items: unknown[], from: number): Maybe<number>;
  /**
   * Puts items[from..] once some fit, waiting meanwhile (shown as blocked): how many went in, at
   * least one; 0 only if the worker gave up waiting (it was retired: its downstream may be gone).
   */
  putWaiting(items: unknown[], from: number): Maybe<number>;
}

/** Where a worker takes its items from; `E` is an entry as the queue hands it out. */
export interface Inlet<E> {
  /** Most entries a batch holds when there is no work per item. */
  readonly batch: number;
  /** Up to `max` entries, waiting for the first (shown as blocked); none if the worker is leaving. */
  take(max: number): Maybe<E[]>;
  item(entry: E): unknown;
  /** entries[from..to) are finished: acknowledged (counted on the board) and their latency recorded. */
  finished(entries: E[], from: number, to: number): void;
  /** Between batches: what is finished goes out (nothing finished waits through a pause). */
  settle(): Maybe<void>;
  /** The worker is told to leave between items (retired on a stream): it stops, holding nothing. */
  leaving(): boolean;
  /** This worker's sentinel is entries[at]: acknowledged, and what came with it dealt with. */
  sentinel(entries: E[], at: number): Maybe<void>;
}

/** The worker the loop runs in. */
export interface LoopWorker {
  board: PipelineBoard;
  slot: number;
  /** Its state while it works: producing or consuming. */
  busy: WorkerState;
  refreshMs: number;
  steering: Steering;
  post: (message: WorkerMessage) => void;
  /** Claims up to `max` items of the run's budget: how many it got (0: the budget is spent). */
  claim(max: number): Maybe<number>;
  /** Whether a wait on a link should end unanswered (a stream's worker retired: it may wait forever). */
  givesUp(): boolean;
}

/**
 * Waits on a link, shown as `blocked`, a refresh at a time: `attempt(timeoutMs)` returns undefined
 * when the refresh went by with nothing. Between attempts a pause is honoured (its time is not
 * counted as blocked), so in a paused run nothing moves until it resumes; and a worker that
 * `givesUp` ends the wait with undefined.
 */
export async function whileBlocked<T>(
  w: LoopWorker,
  blocked: 'blocked-full' | 'blocked-empty',
  attempt: (timeoutMs: number) => Maybe<T | undefined>,
): Promise<T | undefined> {
  const { board, slot, busy } = w;
  board.beginBlocked(slot, blocked);
  try {
    for (;;) {
      const tried = attempt(w.refreshMs);
      const got = tried instanceof Promise ? await tried : tried;
      if (got !== undefined || w.givesUp()) return got;
      board.endBlocked(slot, busy);
      w.steering.waitIfPaused();
      board.beginBlocked(slot, blocked);
    }
  } finally {
    board.endBlocked(slot, busy);
  }
}

/** A producer's items one at a time (worker-life's ItemSource). */
interface Items {
  next(): IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  pace(): void;
}

/** Whether a producer can put whole claims (the built-in workload with no work per item, no --rate). */
export function producesBatches(config: PipelineConfig): boolean {
  return !config.producer && config.produceMs <= 0 && !config.rate;
}

/**
 * The built-in producer with no work per item and no --rate: a put, a stop check and a board
 * store per item were all its work, so it puts each claim of the budget (up to CLAIM_SIZE items)
 * in as few puts as the room allows, counting each on the board. It stops, retires and pauses as
 * the per-item loop does: it looks before each chunk, and a chunk goes in at once, so nothing goes
 * in after a look-free wait but the put that waited.
 */
export async function produceBatches(w: LoopWorker, out: Outlet): Promise<void> {
  const { board, slot, steering } = w;
  const items: number[] = [];
  let n = 0;
  while (!steering.shouldStop()) {
    const claim = w.claim(CLAIM_SIZE);
    const claimed = typeof claim === 'number' ? claim : await claim;
    if (claimed === 0) return;
    items.length = claimed;
    for (let i = 0; i < claimed; i++) items[i] = slot * ITEM_ID_STRIDE + n++;
    for (let done = 0; done < claimed; ) {
      if (done > 0 && steering.shouldStop()) return;
      let put = out.putFitting(items, done);
      let fits = typeof put === 'number' ? put : await put;
      if (fits === 0) {
        put = out.putWaiting(items, done);
        fits = typeof put === 'number' ? put : await put;
        if (fits === 0) return;
      }
      board.addItems(slot, fits);
      done += fits;
    }
  }
}

/** Puts one item, waiting while the link is full; false if the worker gave up waiting (retired). */
export async function putOne(out: Outlet, item: unknown): Promise<boolean> {
  const one = [item];
  const fitted = out.putFitting(one, 0);
  if ((typeof fitted === 'number' ? fitted : await fitted) > 0) return true;
  const waited = out.putWaiting(one, 0);
  return (typeof waited === 'number' ? waited : await waited) > 0;
}

/** A producer item by item: claimed from the budget CLAIM_SIZE at a time, paced, put one by one. */
export async function produceEach(w: LoopWorker, out: Outlet, items: Items): Promise<void> {
  for (let claimed = 0; !w.steering.shouldStop(); claimed--) {
    if (claimed === 0) {
      const claim = w.claim(CLAIM_SIZE);
      claimed = typeof claim === 'number' ? claim : await claim;
    }
    if (claimed === 0) return;
    const step = items.next();
    const result = step instanceof Promise ? await step : step;
    if (result.done) return;
    items.pace();
    if (!(await putOne(out, result.value))) return;
    w.board.addItem(w.slot);
  }
}

/**
 * A consumer, or a stage worker's input side: batches of the inlet until its sentinel, each item
 * through `handle` (the user's consume, the built-in work, a stage's transform and put, given the
 * item and its entry; none when there is no work per item: then a batch is finished whole). `tick`
 * runs after each batch.
 */
export async function consumeAll<E>(
  w: LoopWorker,
  inlet: Inlet<E>,
  handle: ((item: unknown, entry: E) => Maybe<void>) | undefined,
  tick: () => void,
): Promise<void> {
  const max = handle === undefined ? inlet.batch : 1;
  for (;;) {
    const settled = inlet.settle();
    if (settled instanceof Promise) await settled;
    w.steering.waitIfPaused();
    if (inlet.leaving()) return;
    const taken = inlet.take(max);
    const entries = taken instanceof Promise ? await taken : taken;
    let at = 0;
    for (; at < entries.length; at++) {
      if (inlet.item(entries[at]!) === SENTINEL) break;
      if (handle === undefined) continue;
      const pending = handle(inlet.item(entries[at]!), entries[at]!);
      if (pending instanceof Promise) await pending;
      inlet.finished(entries, at, at + 1);
    }
    if (handle === undefined && at > 0) inlet.finished(entries, 0, at);
    if (at < entries.length) {
      const done = inlet.sentinel(entries, at);
      if (done instanceof Promise) await done;
      w.post({ type: 'sentinel' });
      return;
    }
    tick();
  }
}

/** A `--pool`: the toolkit's BoundedSemaphore in shared memory, or a BrokerSemaphore on a stream. */
export interface Permits {
  acquire(options: { blocking?: boolean; timeout?: number }): Maybe<boolean>;
  release(): Maybe<void>;
}

/**
 * Does `work` holding a permit of the pool (just does it without one), waiting a refresh at a time
 * so a pause is honoured meanwhile, and `whileWaiting` runs (a stream's consumer keeps what it
 * holds from being claimed); the wait is published on the board, and so is every acquisition.
 */
export async function withPermit(
  w: LoopWorker,
  pool: Permits | undefined,
  work: () => unknown,
  whileWaiting?: () => Maybe<void>,
): Promise<void> {
  if (pool === undefined) return void (await work());
  const { board, slot } = w;
  const waited = !(await pool.acquire({ blocking: false }));
  if (waited) {
    board.beginPoolWait(slot);
    try {
      while (!(await pool.acquire({ timeout: w.refreshMs }))) {
        await whileWaiting?.();
        board.endPoolWait(slot);
        w.steering.waitIfPaused();
        board.beginPoolWait(slot);
      }
    } finally {
      board.endPoolWait(slot);
    }
  }
  board.poolAcquired(slot, waited);
  try {
    await work();
  } finally {
    board.poolReleasing();
    await pool.release();
  }
}
