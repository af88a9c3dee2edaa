/** Queue operations run in worker threads (test/fixtures/queue-op.ts), with their step log. */

import type { BoundedQueue } from '../../src/index.js';
import type { Op, OpData, OpResult } from '../fixtures/queue-op.js';
import { sleep, until } from '../helpers/poll.js';
import { DEADLINE_MS, startFixture, within } from '../helpers/workers.js';
import { entries, newLog } from './log.js';

export type { OpResult };

/** Starts `action` on `q` in a worker; it appends `before` and `after` codes around the call. */
export function startOp(
  q: BoundedQueue<any>,
  action: Op,
  extra: Partial<OpData> = {},
): { log: Int32Array; result: Promise<OpResult> } {
  const log = extra.log ?? newLog();
  const { result } = startFixture<OpResult>('queue-op', { handle: q.handle, action, log, ...extra });
  return { log, result: within(result, DEADLINE_MS, `worker ${action.op}`) };
}

/**
 * Starts `action` in a worker and resolves once it is blocked in it: it has started the call
 * (`before` logged) and 100 ms later has still not returned (CPython's "appeared not to block"
 * check: a call that returned early would have logged `after`).
 */
export async function blockedIn(
  q: BoundedQueue<any>,
  action: Op,
  extra: Partial<OpData> = {},
): Promise<{ log: Int32Array; result: Promise<OpResult> }> {
  const started = startOp(q, action, extra);
  const before = extra.before ?? 1;
  await until(() => entries(started.log).includes(before), `worker started ${action.op}`);
  await sleep(100);
  const after = extra.after ?? 3;
  if (entries(started.log).includes(after)) {
    throw new Error(`worker ${action.op} appeared not to block: it returned ${JSON.stringify(await started.result)}`);
  }
  return started;
}
