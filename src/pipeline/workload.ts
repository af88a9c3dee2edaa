/**
 * The built-in workload: per-item work that either sleeps (a thread waiting on I/O) or spins
 * (a thread burning CPU), with seeded jitter so runs are reproducible.
 */
import type { PipelineConfig, WorkKind } from './types.js';

/** mulberry32: a small, fast, seedable PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A per-worker seed derived from the run's seed, so workers differ but runs repeat. */
export function workerSeed(seed: number, slot: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(slot + 1, 0xc2b2ae35)) >>> 0;
}

/** Items a producer claims from the budget at a time (fewer near its end: see BUDGET_SHARE). */
export const CLAIM_SIZE = 64;

/** Built-in items are numbered apart per worker: worker `slot`'s n-th item is slot·ITEM_ID_STRIDE + n. */
export const ITEM_ID_STRIDE = 1e9;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (like Python's time.sleep); only ever call it in a worker. */
export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Busies this thread for `ms`. */
export function spinMs(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // burn
  }
}

/** Returns a function doing one item's work: `ms` ± `jitter`·`ms`, slept or spun. */
export function makeWork(kind: WorkKind, ms: number, jitter: number, random: () => number): () => void {
  if (ms <= 0) return () => {};
  const run = kind === 'spin' ? spinMs : sleepMs;
  return () => run(ms * (1 + jitter * (2 * random() - 1)));
}

/**
 * The built-in producer's items: each one after a produce-ms of work, numbered so that every
 * worker's items differ (see ITEM_ID_STRIDE).
 */
export function builtinItems(
  config: Pick<PipelineConfig, 'work' | 'produceMs' | 'jitter'>,
  seed: number,
  slot: number,
): Iterable<unknown> {
  const work = makeWork(config.work, config.produceMs, config.jitter, mulberry32(seed));
  let n = 0;
  return {
    [Symbol.iterator]: () => ({
      next: () => {
        work();
        return { done: false, value: slot * ITEM_ID_STRIDE + n++ };
      },
    }),
  };
}
