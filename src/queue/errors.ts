/** Errors of the bounded queue, named as in Python's `queue` module where it has them. */

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

/** An item whose encoding does not fit in one slot; the queue is left untouched. */
export class ItemTooLargeError extends RangeError {
  override name = 'ItemTooLargeError';
  constructor(
    readonly itemBytes: number,
    readonly slotBytes: number,
  ) {
    super(
      `item needs ${itemBytes} bytes but a slot holds ${slotBytes} bytes of payload: ` +
        `create the queue with a larger slotBytes (e.g. new BoundedQueue({ capacity, slotBytes: ${Math.max(64, 2 ** Math.ceil(Math.log2(itemBytes + 8)))} })) or send smaller items`,
    );
  }
}

/** `taskDone()` called more times than items were put (Python's ValueError). */
export class TaskDoneError extends Error {
  override name = 'TaskDoneError';
}
