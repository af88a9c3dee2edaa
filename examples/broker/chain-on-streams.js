// chain-on-streams.js — numbers → keep-odd → square → consumers, each link a Redis stream (BROKER=redis://…)
import { runPipeline } from 'pipeline-tui';
import { StreamLink } from 'pipeline-tui/broker';

const module = (name) => new URL(`../stages/${name}.mjs`, import.meta.url).href;
const stages = [
  { module: module('keep-odd'), name: 'keep-odd', workers: 2 },
  { module: module('square'), name: 'square', workers: 2 },
];
const broker = await StreamLink.open(process.env.BROKER ?? 'redis://localhost:6379', { stream: 'numbers' });
// Links: numbers, numbers:2, numbers:3; `pipeline-tui worker --role stage` processes may join a stage.
const summary = await runPipeline(
  { producers: 1, consumers: 2, items: 1000, producer: module('numbers'), stages },
  { broker },
);
for (const s of summary.stages) console.log(`${s.name}: in ${s.in}, out ${s.out}, dropped ${s.dropped}`);
