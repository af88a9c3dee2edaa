/**
 * The worker side of the test harness: `fixtureMain(async (data) => result)` runs the body with
 * the worker's data and posts back `{ ok: result }` or `{ error }`, so failures inside a worker
 * are rethrown in the test that started it (JSR-166 style) instead of being lost.
 */
import { parentPort, workerData } from 'node:worker_threads';

export type FixtureReply = { ok: unknown } | { error: { name: string; message: string; stack?: string } };

export function fixtureMain<D = any, R = unknown>(body: (data: D) => R | Promise<R>): void {
  Promise.resolve()
    .then(() => body(workerData as D))
    .then(
      (ok) => parentPort!.postMessage({ ok } satisfies FixtureReply),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        parentPort!.postMessage({
          error: { name: err.name, message: err.message, stack: err.stack },
        } satisfies FixtureReply);
      },
    );
}
