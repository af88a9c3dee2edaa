// run-on-stream.js — the engine with its queue on a Redis stream (BROKER=redis://… to point it elsewhere)
import { runPipeline } from 'pipeline-tui';
import { StreamLink } from 'pipeline-tui/broker';

const broker = await StreamLink.open(process.env.BROKER ?? 'redis://localhost:6379', { stream: 'jobs' });
const summary = await runPipeline(
  { producers: 2, consumers: 2, capacity: 64, items: 1000, produceMs: 0, consumeMs: 1 },
  { broker }, // announced on the broker: `pipeline-tui worker --stream jobs` processes may join
);
console.log(`${summary.endedBy}: produced ${summary.produced}, consumed ${summary.consumed}`);
console.log(`delivered twice: ${summary.broker.duplicates}, on ${summary.broker.address}`);
