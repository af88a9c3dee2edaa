/**
 * A shared log of who did what, in order, across the main thread and workers (esfx's `steps`
 * array, CPython's BlockingTestMixin): each party appends a code; the test asserts the order.
 *
 * Layout: word 0 is the length, words 1.. the codes. Importable from fixtures (no vitest here).
 */

/** The codes the blocking tests use. */
export const STEP = {
  /** A worker is about to call the operation that should block. */
  BLOCKING: 1,
  /** The main thread is about to do what unblocks it (release, notify, set, arrive). */
  MAIN_ACTS: 2,
  /** The blocking operation returned in the worker. */
  RETURNED: 3,
} as const;

export function newSteps(capacity = 16): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (capacity + 1)));
}

/** Appends `code` (atomically, from any thread) and wakes anyone watching the length. */
export function logStep(steps: Int32Array, code: number): void {
  const i = Atomics.add(steps, 0, 1);
  Atomics.store(steps, 1 + i, code);
  Atomics.notify(steps, 0);
}

export function readSteps(steps: Int32Array): number[] {
  const n = Atomics.load(steps, 0);
  return Array.from({ length: n }, (_, i) => Atomics.load(steps, 1 + i));
}
