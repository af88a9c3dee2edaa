/**
 * A producer module for the "bursty" story (the same shape as a user's --producer module): it
 * yields items in bursts of BURST as fast as it can, then goes quiet for PAUSE_MS. The run's
 * --items budget ends it.
 */
import type { WorkerContext } from 'pipeline-tui';

const BURST = 40;
const PAUSE_MS = 150;

const quietly = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    // One listener per pause, removed when the pause ends: a listener left behind per burst would
    // pile up on the run's one signal (MaxListenersExceededWarning after eleven bursts).
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export async function* produce(ctx: WorkerContext): AsyncGenerator<number> {
  for (let burst = 0; !ctx.signal.aborted; burst++) {
    for (let i = 0; i < BURST; i++) yield (ctx.index + 1) * 1_000_000 + burst * BURST + i;
    await quietly(PAUSE_MS, ctx.signal);
  }
}
