// Receives integers (or { id } objects, or batches of integers) from a MessagePort until -1;
// checks each arrives exactly once (and a record's body, `itemBytes` long, whole).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

const { port, total, ready, itemBytes } = workerData as {
  port: MessagePort;
  total: number;
  ready: Int32Array;
  itemBytes?: number;
};
const seen = new Uint8Array(total);
port.on('message', (m: number | Int32Array | number[] | { id: number; body?: string }) => {
  if (m === -1) {
    let ok = true;
    for (let i = 0; i < total; i++) if (seen[i] !== 1) ok = false;
    parentPort!.postMessage({ end: performance.timeOrigin + performance.now(), ok });
    port.close();
    return;
  }
  if (typeof m === 'number') seen[m]!++;
  else if (m instanceof Int32Array || Array.isArray(m)) for (const x of m) seen[x]!++;
  else if (itemBytes === undefined || m.body?.length === itemBytes) seen[m.id]!++;
});
Atomics.add(ready, 0, 1);
