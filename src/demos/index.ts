/**
 * Every demo `pipeline-tui demo` knows: the threading lessons (one module each, loaded when run)
 * and the pipeline stories (presets of `run`).
 */
import type { LessonMain } from './lesson.js';
import { STORIES, type Story } from './stories.js';
import { Transcript } from './transcript.js';

export interface LessonEntry {
  kind: 'lesson';
  name: string;
  summary: string;
  load(): Promise<{ main: LessonMain }>;
}

export type StoryEntry = Story & { kind: 'story' };
export type DemoEntry = LessonEntry | StoryEntry;

const lesson = (name: string, summary: string, load: LessonEntry['load']): LessonEntry => ({
  kind: 'lesson',
  name,
  summary,
  load,
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

/** The demo called `name`, or undefined. */
export function findDemo(name: string): DemoEntry | undefined {
  return DEMOS.find((demo) => demo.name === name);
}

export interface LessonRun<R = object> {
  result: R;
  /** Every line the lesson printed, in order. */
  lines: string[];
}

/**
 * Runs a lesson: `write` receives each printed line (default: stdout). Resolves once the lesson
 * and every thread it started have ended; rejects with the lesson's error.
 */
export async function runLesson<R = object>(
  entry: LessonEntry,
  { quick = false, write }: { quick?: boolean; write?: (line: string) => void } = {},
): Promise<LessonRun<R>> {
  const { main } = await entry.load();
  const out = new Transcript(write);
  try {
    const result = (await main({ quick, out })) as R;
    return { result, lines: out.printed };
  } finally {
    await out.close();
  }
}
