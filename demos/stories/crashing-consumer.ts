/**
 * A consumer module for the "crash" story (the same shape as a user's --consumer module): it
 * works a few milliseconds per item and throws on item 40 (the 41st the first producer makes) —
 * a bug that strikes mid-run, in whichever consumer happens to take that item. The run then
 * reports the failure, stops the producers, shuts the queue down, and the other consumers drain
 * what is left.
 */
import type { WorkerContext } from 'pipeline-tui';

/** The fatal item. Built-in items are `producerSlot * 1e9 + n`, so this is the first producer's 41st. */
export const CRASH_AT = 40;

export async function consume(item: unknown, ctx: WorkerContext): Promise<void> {
  if (item === CRASH_AT) {
    throw new Error(`consumer ${ctx.id} cannot handle item ${item}: a bug in the user's code`);
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
}
