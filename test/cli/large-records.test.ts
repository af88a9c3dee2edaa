/**
 * Records of kilobytes to a megabyte through the built command (#26 item 3): they used to fail
 * any shared-memory run with "create the queue with a larger slotBytes", which no flag offers.
 * Each run is checked for exact counts, and the user consumers' logs for each record exactly once
 * (and, with no stage between, each producer's records in order at every consumer).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/pipeline/types.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { outDir, seenItems } from '../pipeline/helpers.js';

const user = (name: string): string => fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));
const KiB = 1024;

beforeAll(() => ensureBuilt(), 150_000);

interface Records {
  producers: number;
  consumers: number;
  perProducer: number;
  bytes: number;
  stages?: string[];
  /** Leave out --consumer: the built-in consumer (with --consume-ms 0, it takes getMany batches). */
  builtInConsumer?: boolean;
}

/** Runs the records producer and consumer to the end; checks the counts and the consumers' logs. */
async function runRecords(r: Records): Promise<Summary> {
  const out = outDir();
  const args = ['-p', String(r.producers), '-c', String(r.consumers), '--producer', user('records-producer')];
  if (!r.builtInConsumer) args.push('--consumer', user('records-consumer'));
  for (const stage of r.stages ?? []) args.push('--stage', stage);
  const { code, stdout, stderr } = await runCli([...args, '--consume-ms', '0', '--json', '--stall-ms', '60000'], {
    env: {
      PT_OUT: out,
      PT_ITEMS_PER_PRODUCER: String(r.perProducer),
      PT_RECORD_BYTES: String(r.bytes),
      PT_HOPS: String(r.stages?.length ?? 0),
    },
    deadlineMs: 240_000,
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const summary = JSON.parse(stdout) as Summary;
  const total = r.producers * r.perProducer;
  expect(summary).toMatchObject({ endedBy: 'completed', produced: total, consumed: total });
  if (r.builtInConsumer) return summary;
  const seen = seenItems(out);
  const all = [...seen.values()].flat().map((x) => `${x.from}:${x.n}`);
  expect(all.length).toBe(total);
  expect(new Set(all).size).toBe(total);
  if (!r.stages)
    for (const [consumer, items] of seen) {
      const last = new Map<string, number>();
      for (const { from, n } of items) {
        expect(n, `${consumer} got ${from}:${n} after ${from}:${last.get(from)}`).toBeGreaterThan(last.get(from) ?? -1);
        last.set(from, n);
      }
    }
  return summary;
}

describe('records larger than a slot through the command line', () => {
  it("issue #26's check: 100 records of 4 KiB, -p 1 -c 2 --json, exits 0 with all 100 consumed", async () => {
    const args = ['-p', '1', '-c', '2', '--producer', user('issue26-producer'), '--consumer', user('issue26-consumer')];
    const { code, stdout, stderr } = await runCli([...args, '--json'], { deadlineMs: 120_000 });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ endedBy: 'completed', produced: 100, consumed: 100 });
  });

  it('3 producers × 4 consumers, 64 KiB records: each once, in each producer’s order', async () => {
    await runRecords({ producers: 3, consumers: 4, perProducer: 100, bytes: 64 * KiB });
  });

  it('2 producers × 2 consumers, 1 MiB records', async () => {
    await runRecords({ producers: 2, consumers: 2, perProducer: 20, bytes: 1024 * KiB });
  });

  it('through two --stage links (2 workers, then 1): 16 KiB records, each stage counting them all', async () => {
    const summary = await runRecords({
      producers: 2,
      consumers: 3,
      perProducer: 150,
      bytes: 16 * KiB,
      stages: [`${user('records-stage')}=2`, user('records-stage')],
    });
    expect(summary.stages.map((s) => [s.name, s.in, s.out])).toEqual([
      ['producers', 0, 300],
      ['records-stage', 300, 300],
      ['records-stage', 300, 300],
      ['consumers', 300, 0],
    ]);
  });

  it('to the built-in consumer (batches of getMany): 8 KiB records, counted exactly', async () => {
    await runRecords({ producers: 2, consumers: 2, perProducer: 300, bytes: 8 * KiB, builtInConsumer: true });
  });
});
