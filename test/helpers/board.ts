/** Reads a run's board on the broker (remote-board.ts) until its rows are as a test awaits them. */
import type { Redis } from 'ioredis';
import { type RemoteWorkerReading, readRows } from '../../src/broker/remote-board.js';
import { DEADLINE_MS } from './workers.js';

/** The rows once `ok` accepts them; fails after DEADLINE_MS naming `what` and the last rows read. */
export async function boardRowsWhen(
  redis: Redis,
  stream: string,
  ok: (rows: RemoteWorkerReading[]) => boolean,
  what: string,
  staleMs?: number,
): Promise<RemoteWorkerReading[]> {
  const deadline = performance.now() + DEADLINE_MS;
  for (;;) {
    const rows = await readRows(redis, stream, staleMs);
    if (ok(rows)) return rows;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
