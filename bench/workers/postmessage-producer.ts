// The baseline: sends integers over a MessagePort — one number, one small object or one record
// { id, body } (a body of `itemBytes` characters) per message, or `batch` of them per message as
// an Int32Array (transferred) or a plain Array (cloned).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

const {
  port,
  total,
  batch,
  kind,
  ready,
  itemBytes = 0,
} = workerData as {
  port: MessagePort;
  total: number;
  batch: number;
  kind: 'number' | 'object' | 'int32' | 'array' | 'large';
  ready: Int32Array;
  itemBytes?: number;
};
const body = 'x'.repeat(itemBytes);
Atomics.add(ready, 0, 1);
while (Atomics.load(ready, 0) < 2) Atomics.wait(ready, 0, 1, 1);
const t0 = performance.timeOrigin + performance.now();
if (kind === 'int32') {
  for (let i = 0; i < total; i += batch) {
    const chunk = new Int32Array(Math.min(batch, total - i));
    for (let j = 0; j < chunk.length; j++) chunk[j] = i + j;
    port.postMessage(chunk, [chunk.buffer]);
  }
} else if (kind === 'array') {
  for (let i = 0; i < total; i += batch) {
    const chunk = new Array<number>(Math.min(batch, total - i));
    for (let j = 0; j < chunk.length; j++) chunk[j] = i + j;
    port.postMessage(chunk);
  }
} else if (kind === 'large') {
  for (let i = 0; i < total; i++) port.postMessage({ id: i, body });
} else if (kind === 'object') {
  for (let i = 0; i < total; i++) port.postMessage({ id: i, name: 'item', tags: ['a', 'b'] });
} else {
  for (let i = 0; i < total; i++) port.postMessage(i);
}
port.postMessage(-1);
parentPort!.postMessage({ start: t0 });
