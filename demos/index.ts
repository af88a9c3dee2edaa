/**
 * Every demo `pipeline-tui demo` knows: the threading lessons (one module each, loaded when run)
 * and the pipeline stories (presets of `run`). The command loads this index when it runs (the
 * shape it expects: src/cli/demo-catalog.ts); the demos import the toolkit as `pipeline-tui`,
 * by name, as a user's code does.
 */
import type { LessonMain } from './lesson.js';
import { STORIES, type Story } from './stories.js';
import { Transcript } from './transcript.js';

export interface LessonRun<R = object> {
  result: R;
  /** Every line the lesson printed, in order. */
  lines: string[];
}

export interface LessonOptions {
  /** Small sizes and short waits (CI). */
  quick?: boolean;
  /** Receives each printed line (default: stdout). */
  write?: (line: string) => void;
}

export interface LessonEntry {
  kind: 'lesson';
  name: string;
  summary: string;
  /** Runs the lesson; resolves once it and every thread it started have ended, rejects with its error. */
  run<R extends object = object>(options?: LessonOptions): Promise<LessonRun<R>>;
}

export type StoryEntry = Story & { kind: 'story' };
export type DemoEntry = LessonEntry | StoryEntry;

const lesson = (name: string, summary: string, load: () => Promise<{ main: LessonMain }>): LessonEntry => ({
  kind: 'lesson',
  name,
  summary,
  async run<R extends object>({ quick = false, write }: LessonOptions = {}) {
    const { main } = await load();
    const out = new Transcript(write);
    try {
      const result = (await main({ quick, out })) as R;
      return { result, lines: out.printed };
    } finally {
      await out.close();
    }
  },
});

export const LESSONS: readonly LessonEntry[] = [
  lesson('join', 'start a thread, and wait for it with join()', () => import('./join.js')),
  lesson(
    'daemon',
    'daemon vs non-daemon threads: which ones the process waits for at exit',
    () => import('./daemon.js'),
  ),
  lesson(
    'finish-order',
    'several threads: they finish in their own order, not the start order',
    () => import('./finish-order.js'),
  ),
  lesson(
    'threads-info',
    'activeCount(), mainThread(), currentThread(), enumerate() — from every thread',
    () => import('./threads-info.js'),
  ),
  lesson(
    'timer',
    'Timer calls a function after a delay; cancel() stops it before it fires',
    () => import('./timer.js'),
  ),
  lesson(
    'race',
    'a race condition: two unlocked updates of a shared value end at 1; with a Lock, 2',
    () => import('./race.js'),
  ),
  lesson(
    'with-lock',
    "the lock as a scoped block (Python's `with lock:`): using, withLock, try/finally",
    () => import('./with-lock.js'),
  ),
  lesson(
    'lock-pipeline',
    'a one-slot pipeline guarded by a producer lock and a consumer lock, ended by a sentinel',
    () => import('./lock-pipeline.js'),
  ),
  lesson(
    'queue-pipeline',
    'the same pipeline on a BoundedQueue, stopped by an Event',
    () => import('./queue-pipeline.js'),
  ),
  lesson(
    'semaphore',
    'a BoundedSemaphore limits a pool of connections: never more than 3 in use',
    () => import('./semaphore.js'),
  ),
  lesson(
    'executor',
    'ThreadPoolExecutor: map() in input order, submit() and Futures, a failing task',
    () => import('./executor.js'),
  ),
  lesson(
    'args-pitfall',
    'the args pitfall: a bare value instead of a list is refused with the fix',
    () => import('./args-pitfall.js'),
  ),
];

export const DEMOS: readonly DemoEntry[] = [
  ...LESSONS,
  ...STORIES.map((story): StoryEntry => ({ ...story, kind: 'story' })),
];
