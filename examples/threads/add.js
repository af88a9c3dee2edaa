// add.js — runs in each worker; the Lock arrives revived: the same lock
import { withLock } from 'pipeline-tui';

export function add(lock, counter, times) {
  for (let i = 0; i < times; i++) {
    withLock(lock, () => {
      counter[0] += 1; // Python's `with lock:`; in TypeScript: `using _ = lock.hold();`
    });
  }
}
