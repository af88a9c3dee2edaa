/**
 * A consumer module for the "crash" story (the same shape as a user's --consumer module): it
 * works a few milliseconds per item and throws on the 41st item of any producer — a bug that
 * strikes mid-run. The run then reports the failure, stops the producers, shuts the queue down,
 * and the other consumers drain what is left.
 */
import type { WorkerContext } from '../../pipeline/user-modules.js';

/** Built-in items are `producerSlot * 1e9 + n`: the item numbered CRASH_AT of any producer is fatal. */
export const CRASH_AT = 40;

export async function consume(item: unknown, ctx: WorkerContext): Promise<void> {
  if (typeof item === 'number' && item % 1e9 === CRASH_AT) {
    throw new Error(`consumer ${ctx.id} cannot handle item ${item}: a bug in the user's code`);
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
}
