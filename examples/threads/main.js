// main.js — four threads add to one counter under one Lock
import { Lock, Thread } from 'pipeline-tui';

const lock = new Lock(); // lives in a SharedArrayBuffer
const counter = new Int32Array(new SharedArrayBuffer(4));
const target = new URL('./add.js#add', import.meta.url); // resolved next to this file, from any cwd
const threads = [1, 2, 3, 4].map(() => new Thread({ target, args: [lock, counter, 100_000] }));
for (const t of threads) t.start();
await Promise.all(threads.map((t) => t.join()));
console.log(`counter[0] = ${counter[0]}`); // exactly 4 × 100000
