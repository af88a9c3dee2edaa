/**
 * `npm run bench` — the benchmark suite, printed as one table against baselines measured in the
 * same run, with the goals and how far each row is from its goal. `--quick` (used by CI
 * so the suite cannot rot) runs small sizes, once each, and asserts nothing.
 */

import { lockBenchmarks } from './lock.js';
import { pipelineBenchmarks } from './pipeline.js';
import { queueBenchmarks } from './queue.js';
import { formatTable, machineLine, type Row } from './table.js';

const quick = process.argv.includes('--quick');
const began = performance.now();
const rows: Row[] = [];
console.log(
  `pipeline-tui benchmarks${
    quick ? ' (quick: one run of each, small sizes)' : ' (full: median of 5 runs of each)'
  } — ${machineLine()}\n`,
);
rows.push(...(await queueBenchmarks(quick)));
rows.push(...(await lockBenchmarks(quick)));
const bare2P2C = rows.find((r) => r.name.startsWith('BoundedQueue 2P2C, numbers'))?.value;
rows.push(...(await pipelineBenchmarks(quick, bare2P2C)));
rows.push(...(await (await import('./broker.js')).brokerBenchmarks(quick, rows)));
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
console.log(formatTable(rows));
console.log(
  `\n${
    rows.filter((r) => r.verified === false).length === 0
      ? 'every checked row delivered each item exactly once'
      : 'SOME ROWS FAILED THE EXACTLY-ONCE CHECK'
  } · ${((performance.now() - began) / 1000).toFixed(0)} s`,
);
