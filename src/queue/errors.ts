/**
 * Errors of the bounded queue, named as in Python's `queue` module where it has them
 * (`queue.Empty`, `queue.Full`, `queue.ShutDown`); each message says what to do instead.
 */

/** `get` with `block: false` found the queue empty, or a timed `get` ran out of time. */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty';
}

/** `put` with `block: false` found the queue full, or a timed `put` ran out of time. */
export class QueueFull extends Error {
  override name = 'QueueFull';
  /** For `putMany`: how many of the items were put before it gave up. */
  putCount = 0;
}

/** The queue was shut down: `put` always raises it; `get` raises it once the queue is drained. */
export class QueueShutDown extends Error {
  override name = 'QueueShutDown';
  /** For `putMany`: how many of the items were put before the shutdown. */
  putCount = 0;
}

/**
 * An item too large for the queue: larger than its `overflowBytes` (the largest item its overflow
 * area takes), or, in a queue without an overflow area, than a slot. Thrown before the lock is
 * taken, so the queue is untouched.
 */
export class ItemTooLargeError extends RangeError {
  override name = 'ItemTooLargeError';
  /** The smallest `slotBytes` that would hold this item in a slot. */
  readonly neededSlotBytes: number;

  constructor(
    /** Bytes the item's encoding takes. */
    readonly itemBytes: number,
    /** The queue's `slotBytes` (8 of which are the slot's header). */
    readonly slotBytes: number,
    /** The queue's `overflowBytes`: the largest item its overflow area takes (0: it has none). */
    readonly overflowBytes = 0,
  ) {
    const needed = (itemBytes + 8 + 7) & ~7;
    super(
      overflowBytes > 0
        ? `item encodes to ${itemBytes} bytes, more than this queue's overflowBytes (${overflowBytes}), ` +
            `the largest item it takes: create the queue with a larger overflowBytes (up to ${2 ** 30}) ` +
            'or put smaller items'
        : `item encodes to ${itemBytes} bytes but a slot of ${slotBytes} bytes holds at most ${slotBytes - 8} ` +
            `and this queue has no overflow area (overflowBytes: 0): create the queue without overflowBytes: 0, ` +
            `or with a larger slotBytes (at least ${needed}), or put smaller items`,
    );
    this.neededSlotBytes = needed;
  }
}

/** `taskDone()` called more times than items were put (Python's ValueError). */
export class TaskDoneError extends Error {
  override name = 'TaskDoneError';
}
