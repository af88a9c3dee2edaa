/**
 * The cost of being observable: the whole pipeline — producer and consumer workers publishing
 * their state and counts on the shared board, item stamps for the latency histogram, the sampler
 * taking a Snapshot every refresh — against the bare queue moving the same numbers between the
 * same number of workers (the BoundedQueue 2P2C row of the same run).
 */
import { startPipeline } from '../dist/pipeline/run-pipeline.js';
import { median, type Row } from './table.js';

export async function pipelineBenchmarks(quick: boolean, bareQueue2P2C: number | undefined): Promise<Row[]> {
  const items = quick ? 300_000 : 2_000_000;
  const runs = quick ? 1 : 5;
  const results: Array<{ rate: number; verified: boolean }> = [];
  for (let i = 0; i < runs; i++) {
    const s = await startPipeline({ producers: 2, consumers: 2, capacity: 1024, items, produceMs: 0, consumeMs: 0, jitter: 0 }).done;
    results.push({ rate: s.itemsPerSecond, verified: s.endedBy === 'completed' && s.produced === items && s.consumed === items });
  }
  const rate = median(results.map((r) => r.rate));
  const rows: Row[] = [
    { group: 'pipeline', name: 'pipeline 2P2C, capacity 1024, no per-item work, headless (metrics on)', value: rate, unit: 'items/s', verified: results.every((r) => r.verified), note: 'counts: produced = consumed = items' },
  ];
  if (bareQueue2P2C !== undefined) {
    rows.push({ group: 'pipeline', name: 'pipeline 2P2C ÷ bare BoundedQueue 2P2C (the cost of being observable)', value: rate / bareQueue2P2C, unit: '×', goal: { text: '≥ 0.7×', target: 0.7, better: 'higher' } });
  }
  return rows;
}
