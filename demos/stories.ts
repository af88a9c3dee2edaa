/**
 * Pipeline stories: named presets of `pipeline-tui run`'s flags. `pipeline-tui demo <story>`
 * runs one through the very code path of `run` (the dashboard on a terminal, plain lines
 * otherwise, `--json` for the Summary), so each shows one behaviour of a bounded pipeline.
 * A story's own flags win over the command line's (output flags aside): to vary one, run
 * `pipeline-tui run` with its flags. Full-size stories last a few seconds, long enough to watch.
 */
/** Flags as yargs hands them to `toRunRequest` (camelCase), e.g. `{ producers: 4, consumeMs: 10 }`. */
export type RunFlags = Record<string, unknown>;

export interface Story {
  name: string;
  summary: string;
  /** What to watch for, printed before the run. */
  watch: string;
  flags(quick: boolean): RunFlags;
  /** How the run is expected to end (`crash` ends as failed, by design). */
  expect: 'completed' | 'failed';
}

/** The extension of the demos where this file runs: `.ts` in a checkout (the tests), `.js` when built. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** A module of the stories/ folder, as the --producer/--consumer/--stage flags take it. */
const storyModule = (name: string): string => new URL(`./stories/${name}${EXT}`, import.meta.url).href;

export const STORIES: readonly Story[] = [
  {
    name: 'balanced',
    summary: 'producers and consumers keep pace: the queue hovers part full, nobody waits long',
    watch: '2 producers at ~2 ms/item, 3 consumers at ~4 ms/item: throughput matches on both sides.',
    flags: (quick) => ({ producers: 2, consumers: 3, items: quick ? 200 : 6000, produceMs: 2, consumeMs: 4 }),
    expect: 'completed',
  },
  {
    name: 'slow-consumer',
    summary: 'backpressure: one slow consumer, the queue full, four producers blocked on it',
    watch:
      '4 producers, 1 consumer at 10 ms/item: the queue fills and the producers spend their time blocked on put().',
    flags: (quick) => ({
      producers: 4,
      consumers: 1,
      capacity: 16,
      items: quick ? 60 : 500,
      produceMs: 1,
      consumeMs: quick ? 4 : 10,
    }),
    expect: 'completed',
  },
  {
    name: 'fast-consumer',
    summary: 'starved consumers: one slow producer, six consumers waiting on an empty queue',
    watch: '1 producer at 10 ms/item, 6 consumers: the queue stays empty and the consumers are blocked on get().',
    flags: (quick) => ({
      producers: 1,
      consumers: 6,
      items: quick ? 40 : 500,
      produceMs: quick ? 3 : 10,
      consumeMs: 1,
    }),
    expect: 'completed',
  },
  {
    name: 'bursty',
    summary: 'a bursty producer: bursts of 40 items fill the queue, then it drains in the quiet',
    watch: 'Producers yield 40 items at once, then pause 150 ms: the queue depth saws up and down.',
    flags: (quick) => ({
      producers: 2,
      consumers: 2,
      capacity: 32,
      items: quick ? 160 : 2400,
      consumeMs: 2,
      producer: storyModule('bursty-producer'),
    }),
    expect: 'completed',
  },
  {
    name: 'crash',
    summary: 'a consumer throws mid-run: the run reports it, the others drain the queue, exit code 1',
    watch:
      'The consumer module throws on item 40 (about 3 s in): the producer stops, the queue shuts down, ' +
      'the other consumers drain it; the run ends "failed" (exit 1).',
    flags: (quick) => ({
      producers: 1,
      consumers: 3,
      items: quick ? 200 : 2000,
      produceMs: quick ? 1 : 75,
      consumer: storyModule('crashing-consumer'),
    }),
    expect: 'failed',
  },
  {
    name: 'shutdown',
    summary: 'graceful shutdown: one sentinel per consumer travels behind the items to twelve consumers',
    watch:
      'When the producers are done, 12 sentinels are queued behind the last items; ' +
      'each consumer exits on the one it takes.',
    flags: (quick) => ({
      producers: 2,
      consumers: 12,
      items: quick ? 120 : 1500,
      produceMs: 1,
      consumeMs: quick ? 8 : 40,
      shutdown: 'sentinel',
    }),
    expect: 'completed',
  },
  {
    name: 'stages',
    summary: 'a chain of three stages, the middle one slow: the queue before it fills, the one after it starves',
    watch:
      'validate (drops every fifth item) → enrich (6 ms an item, 2 workers) → format: the queue into ' +
      'enrich stays full and validate waits for room, the queue after it stays empty and format waits for items.',
    flags: (quick) => ({
      producers: 2,
      consumers: 2,
      capacity: 16,
      items: quick ? 100 : 1500,
      produceMs: 1,
      consumeMs: 1,
      stage: [`${storyModule('validate')}=1`, `${storyModule('enrich')}=2`, `${storyModule('format')}=1`],
    }),
    expect: 'completed',
  },
  {
    name: 'pool',
    summary: 'six consumers, a pool of two connections: at most two consume at once, the rest wait',
    watch:
      '6 consumers at 20 ms an item share --pool 2 (a BoundedSemaphore): two work, four wait for a ' +
      'connection, and the queue fills behind them; the pool never has more than two in use.',
    flags: (quick) => ({
      producers: 2,
      consumers: 6,
      pool: 2,
      items: quick ? 40 : 600,
      produceMs: 2,
      consumeMs: quick ? 5 : 20,
    }),
    expect: 'completed',
  },
];
