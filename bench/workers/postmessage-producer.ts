// The baseline: sends integers over a MessagePort, one per message or `batch` per Int32Array.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

const { port, total, batch, ready } = workerData as { port: MessagePort; total: number; batch: number; ready: Int32Array };
Atomics.add(ready, 0, 1);
while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, 1, 1);
const t0 = performance.timeOrigin + performance.now();
if (batch > 1) {
  for (let i = 0; i < total; i += batch) {
    const chunk = new Int32Array(Math.min(batch, total - i));
    for (let j = 0; j < chunk.length; j++) chunk[j] = i + j;
    port.postMessage(chunk, [chunk.buffer]);
  }
} else {
  for (let i = 0; i < total; i++) port.postMessage(i);
}
port.postMessage(-1);
parentPort!.postMessage({ start: t0 });
