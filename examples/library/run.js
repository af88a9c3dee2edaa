// run.js — the engine behind the command, as a library: Snapshots while it runs, a Summary at the end
import { runPipeline } from 'pipeline-tui';

let fullest = 0;
const summary = await runPipeline(
  { producers: 2, consumers: 3, capacity: 16, items: 500, produceMs: 0, consumeMs: 1 },
  { onSnapshot: (s) => (fullest = Math.max(fullest, s.links[0].depth)) }, // about every 100 ms
);
console.log(`${summary.endedBy}: produced ${summary.produced}, consumed ${summary.consumed}`);
console.log(`the queue held at most ${fullest} of 16 items when sampled`);
