/**
 * A shared step log (esfx's `steps` idea): threads append small codes to one Int32Array in
 * shared memory and the test asserts the interleaving. Word 0 is the number of entries.
 */

export function newLog(size = 64): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (size + 1)));
}

/** Appends `code` (non-zero) to the log. */
export function append(log: Int32Array, code: number): void {
  const at = Atomics.add(log, 0, 1) + 1;
  Atomics.store(log, at, code);
}

/** The entries so far (an entry whose slot is reserved but not yet written reads as 0). */
export function entries(log: Int32Array): number[] {
  return Array.from({ length: Atomics.load(log, 0) }, (_, i) => Atomics.load(log, i + 1));
}
