/**
 * `npm run bench` — the benchmark suite, printed as one table against baselines measured in the
 * same run, with the goals and how far each row is from its goal. `--quick` (used by CI
 * so the suite cannot rot) runs small sizes, once each, and asserts nothing. `--only a,b` runs
 * only those parts (single, batch, object, large, handoff, lock, pipeline, broker, dashboard, startup), with
 * the baselines they are held against — for measuring one change; the table in docs/benchmarks.md is
 * a full run.
 */

import { lockBenchmarks } from './lock.js';
import { pipelineBenchmarks } from './pipeline.js';
import { QUEUE_PARTS, type QueuePart, queueBenchmarks } from './queue.js';
import { formatTable, machineLine, type Row } from './table.js';

const PARTS = [...QUEUE_PARTS, 'lock', 'pipeline', 'broker', 'dashboard', 'startup'] as const;
type Part = (typeof PARTS)[number];

/** The parts named by `--only a,b` (or `--only=a,b`); every part without it. */
function partsToRun(argv: string[]): Set<Part> {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (at < 0) return new Set(PARTS);
  const list = argv[at]!.startsWith('--only=') ? argv[at]!.slice('--only='.length) : (argv[at + 1] ?? '');
  const names = list.split(',').filter((x) => x !== '');
  const unknown = names.filter((x) => !(PARTS as readonly string[]).includes(x));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`bench: --only takes a comma-separated list of ${PARTS.join(', ')}; got '${list}'`);
    process.exit(2);
  }
  return new Set(names as Part[]);
}

const quick = process.argv.includes('--quick');
const parts = partsToRun(process.argv);
const began = performance.now();
const rows: Row[] = [];
console.log(
  `pipeline-tui benchmarks${
    quick ? ' (quick: one run of each, small sizes)' : ' (full: medians, of 9 runs for the queue and 5 elsewhere)'
  } — ${machineLine()}\n`,
);
rows.push(...(await queueBenchmarks(quick, new Set(QUEUE_PARTS.filter((p: QueuePart) => parts.has(p))))));
if (parts.has('lock')) rows.push(...(await lockBenchmarks(quick)));
const bare2P2C = rows.find((r) => r.name.startsWith('BoundedQueue 2P2C, numbers'))?.value;
if (parts.has('pipeline')) rows.push(...(await pipelineBenchmarks(quick, bare2P2C)));
if (parts.has('broker')) rows.push(...(await (await import('./broker.js')).brokerBenchmarks(quick, rows)));
if (parts.has('dashboard'))
  try {
    // Loaded late: it needs the dashboard (dist/tui), which a partial build may lack.
    const { dashboardBenchmarks } = await import('./dashboard.js');
    rows.push(...(await dashboardBenchmarks(quick)));
  } catch (error) {
    rows.push({
      group: 'dashboard',
      name: `dashboard overhead: skipped (${(error as Error).message.split('\n')[0]})`,
      value: Number.NaN,
      unit: '%',
    });
  }
// The built command as a user runs it, each figure against `node -e 0` timed in turn with it.
if (parts.has('startup')) rows.push(...(await (await import('./startup.js')).startupBenchmarks(quick)));
console.log(formatTable(rows));
console.log(
  `\n${
    rows.filter((r) => r.verified === false).length === 0
      ? 'every checked row delivered each item exactly once'
      : 'SOME ROWS FAILED THE EXACTLY-ONCE CHECK'
  } · ${((performance.now() - began) / 1000).toFixed(0)} s`,
);
