/**
 * `npm run bench` — the benchmark suite, printed as one table against baselines measured in the
 * same run. `--quick` (used by CI so the suite cannot rot) runs small sizes and asserts nothing.
 */
import { formatTable, machineLine, type Row } from './table.js';
import { lockBenchmarks } from './lock.js';
import { queueBenchmarks } from './queue.js';

const quick = process.argv.includes('--quick');
const rows: Row[] = [];
console.log(`pipeline-tui benchmarks${quick ? ' (quick)' : ''} — ${machineLine()}\n`);
rows.push(...(await queueBenchmarks(quick)));
rows.push(...(await lockBenchmarks(quick)));
console.log(formatTable(rows));
