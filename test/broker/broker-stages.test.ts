/**
 * A chain on streams, on a real redis-server: producers → keep-odd → gated-square → consumers, each
 * link a stream of its own (`<stream>`, `<stream>:2`, `<stream>:3`), with the gated-square stage's
 * workers partly in a `pipeline-tui worker --role stage` process (the built command). Every item
 * arrives once, filtered and squared as in shared memory, counted exactly; a remote stage worker
 * SIGKILLed while it holds entries loses none (the run's own stage worker claims them); and a
 * worker that names a stage the run does not have is refused in one line, exit 2.
 * The run's own gated-square worker waits behind a gate until the test has seen what it needs of
 * the remote one, so nothing rests on how fast a process starts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamLink } from '../../src/broker/stream-link.js';
import { startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { PipelineConfig, Summary } from '../../src/pipeline/types.js';
import { startCli } from '../helpers/cli.js';
import { untilAsync } from '../helpers/poll.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { scratchDir } from '../helpers/scratch.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

const path = (relative: string): string => new URL(relative, import.meta.url).pathname;
const NUMBERS = path('../../examples/stages/numbers.mjs');
const KEEP_ODD = path('../../examples/stages/keep-odd.mjs');
const GATED_SQUARE = path('../fixtures/user/gated-square.mjs');
const WRITES = path('../fixtures/user/writes-consumer.mjs');
const ELSEWHERE = path('../fixtures/user/double.mjs');
const THROWING = path('../fixtures/user/throwing-consumer.mjs');

const ITEMS = 600;
/** What the consumers must get, once each: the odd numbers of 1…ITEMS, squared. */
const EXPECTED = Array.from({ length: ITEMS / 2 }, (_, i) => (2 * i + 1) ** 2);

/** Every item the writes-consumer wrote, from every consumer's file, sorted. */
function written(dir: string): number[] {
  return readdirSync(dir)
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').trim().split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as number)
    .sort((a, b) => a - b);
}

describe.skipIf(!HAS_REDIS)('a chain of stages on Redis streams', () => {
  const suite = redisSuite('st4ges');
  afterEach(() => {
    delete process.env.PT_GATE;
    delete process.env.PT_OUT;
  });

  /** Starts the run (its own workers: 1 producer, 1 keep-odd, 1 gated-square, 2 consumers) on `stream`. */
  async function startRun(stream: string): Promise<{ gate: string; out: string; done: Promise<Summary> }> {
    const gate = join(scratchDir('chain-gate'), 'gate');
    const out = scratchDir('chain-out');
    // The run's own workers inherit these: its gated-square worker waits, its consumers write here.
    process.env.PT_GATE = gate;
    process.env.PT_OUT = out;
    const link = await StreamLink.open(suite.server.url, { stream, claimIdleMs: 1000 });
    const config: Partial<PipelineConfig> = {
      ...{ producers: 1, consumers: 2, items: ITEMS, capacity: 16, refreshMs: 50, stallMs: 120_000 },
      ...{ producer: NUMBERS, consumer: WRITES },
      stages: [
        { module: KEEP_ODD, name: 'keep-odd', workers: 1 },
        { module: GATED_SQUARE, name: 'gated-square', workers: 1 },
      ],
    };
    const run = startPipeline(config, { broker: link });
    await untilAsync(async () => suite.server.cli('HGET', `${stream}:run`, 'phase').trim() === 'running', 'the run');
    return { gate, out, done: run.done };
  }

  /** `pipeline-tui worker` joining the gated-square stage of the run on `stream` with `workers` threads. */
  const stageWorker = (stream: string, module: string, workers: number, env: Record<string, string> = {}) =>
    startCli(
      ['worker', '--broker', suite.server.url, '--stream', stream, '--role', 'stage', '--stage', module].concat([
        '-w',
        String(workers),
        '--refresh',
        '100',
      ]),
      { env, deadlineMs: 120_000 },
    );

  it('passes every item once, filtered and squared, with a stage worked from another process', async () => {
    const stream = 'chain';
    const run = await startRun(stream);
    const worker = stageWorker(stream, GATED_SQUARE, 2);
    // The run's own gated-square worker opens once the remote ones have squared something.
    await worker.stdoutMatching(/S2\.\d@\S+ \S+ [1-9]/);
    writeFileSync(run.gate, '');
    const summary = await within(run.done, DEADLINE_MS * 3, 'the run');
    const joined = await worker.result;
    expect([joined.code, joined.stderr]).toEqual([0, '']);
    expect(summary.endedBy).toBe('completed');
    expect(written(run.out)).toEqual(EXPECTED);
    expect([summary.produced, summary.consumed]).toEqual([ITEMS, ITEMS / 2]);
    expect(summary.stages.map(({ name, in: taken, out, dropped }) => [name, taken, out, dropped])).toEqual([
      ['producers', 0, ITEMS, 0],
      ['keep-odd', ITEMS, ITEMS / 2, ITEMS / 2],
      ['gated-square', ITEMS / 2, ITEMS / 2, 0],
      ['consumers', ITEMS / 2, 0, 0],
    ]);
    // Each forwarded item is counted once, by whoever forwarded it: the run's worker and the remote ones.
    const squarers = summary.workers.filter((w) => w.stage === 2);
    expect(squarers.map((w) => w.id).sort()).toEqual(
      ['S2.1', `S2.1@${hostname()}:${worker.child.pid}`, `S2.2@${hostname()}:${worker.child.pid}`].sort(),
    );
    expect(squarers.reduce((n, w) => n + w.items, 0)).toBe(ITEMS / 2);
    expect(summary.workers.every((w) => w.state === 'done')).toBe(true);
    expect(summary.broker?.remoteWorkers).toBe(2);
    // Every link's stream is empty, and every one of its entries was acknowledged.
    for (const [link, acked] of [
      [stream, ITEMS],
      [`${stream}:2`, ITEMS / 2],
      [`${stream}:3`, ITEMS / 2],
    ] as const) {
      expect(suite.server.cli('XLEN', link).trim(), link).toBe('0');
      expect(suite.server.cli('HGET', `${link}:counts`, 'acked').trim(), link).toBe(String(acked));
    }
    expect(Number(suite.server.cli('TTL', `${stream}:3:counts`))).toBeGreaterThan(0);
  }, 180_000);

  it('loses nothing when a remote stage worker is killed holding entries: the run claims them', async () => {
    const stream = 'chain-killed';
    const run = await startRun(stream);
    // A stage worker that takes entries and never finishes the first.
    const worker = stageWorker(stream, GATED_SQUARE, 1, { PT_HANG: '1' });
    const victim = `S2.1@${hostname()}:${worker.child.pid}`;
    const held = () => suite.server.cli('XPENDING', `${stream}:2`, 'pipeline-tui', '-', '+', '100', victim).trim();
    await untilAsync(async () => held() !== '', 'the doomed stage worker to hold entries', DEADLINE_MS);
    worker.child.kill('SIGKILL');
    await worker.result;
    writeFileSync(run.gate, '');
    const summary = await within(run.done, DEADLINE_MS * 3, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect(written(run.out)).toEqual(EXPECTED);
    expect([summary.produced, summary.consumed]).toEqual([ITEMS, ITEMS / 2]);
    // The killed worker forwarded nothing; the run's own forwarded every item, each once.
    expect(summary.workers.find((w) => w.id === 'S2.1')?.items).toBe(ITEMS / 2);
    expect(summary.broker?.duplicates).toBe(0);
    const dead = summary.workers.find((w) => w.id === victim);
    expect(dead).toMatchObject({ state: 'failed', error: 'silent for more than 5 s', items: 0 });
    expect(suite.server.cli('XLEN', `${stream}:2`).trim()).toBe('0');
  }, 180_000);

  it('ends as failed, not stuck, when its only consumer fails and a stage waits on a full stream', async () => {
    const link = await StreamLink.open(suite.server.url, { stream: 'chain-failing' });
    const config: Partial<PipelineConfig> = {
      ...{ producers: 1, consumers: 1, items: 500, capacity: 4, produceMs: 0, refreshMs: 50 },
      ...{ consumer: THROWING, stages: [{ module: KEEP_ODD, name: 'keep-odd', workers: 1 }] },
    };
    const summary = await within(startPipeline(config, { broker: link }).done, DEADLINE_MS, 'the failed run');
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/^C1 failed: cannot handle /);
    expect(suite.server.cli('HGET', 'chain-failing:run', 'phase').trim()).toBe('failed');
  });

  it('refuses a stage worker for a stage the run does not have, in one line naming its stages', async () => {
    const stream = 'chain-wrong';
    const run = await startRun(stream);
    const wrong = await stageWorker(stream, ELSEWHERE, 1).result;
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      `pipeline-tui: the run on stream ${stream} at 127.0.0.1:${suite.server.port} has no stage double (--stage); ` +
        'its stages: keep-odd, gated-square\n',
    );
    writeFileSync(run.gate, '');
    const summary = await within(run.done, DEADLINE_MS * 3, 'the run');
    expect(summary.endedBy).toBe('completed');
    expect(summary.broker?.remoteWorkers).toBe(0);
  }, 180_000);
});
