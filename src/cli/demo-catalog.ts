/**
 * The demos as `pipeline-tui demo` sees them. They live at the top of the project (demos/), import
 * the toolkit by its name as a user's code does, and are compiled by a second build into
 * dist/demos/ (scripts/build.mjs). The command loads their index when it runs, through the
 * package's private `#demos` import (package.json "imports"), so src/ never imports demos/ at
 * compile time. demos/index.ts exports `DEMOS` of this shape; test/demos/cli.test.ts holds it to
 * this contract when type-checked.
 */

export interface LessonEntry {
  kind: 'lesson';
  name: string;
  summary: string;
  /** Runs the lesson, `write` getting each line it prints; resolves once it and every thread it started have ended. */
  run(options: { quick: boolean; write: (line: string) => void }): Promise<{ result: object }>;
}

export interface StoryEntry {
  kind: 'story';
  name: string;
  summary: string;
  /** What to watch for, printed before the run. */
  watch: string;
  /** The story's preset of run's flags, as yargs hands them to `toRunRequest` (camelCase). */
  flags(quick: boolean): Record<string, unknown>;
}

export type DemoEntry = LessonEntry | StoryEntry;

/** What demos/index.ts exports for the command. */
export interface DemoCatalog {
  DEMOS: readonly DemoEntry[];
}

// A name, not a literal in import(): TypeScript must not pull the built demos into src's program.
const CATALOG = '#demos';

/** Every demo, the lessons first. */
export async function loadDemos(): Promise<readonly DemoEntry[]> {
  const { DEMOS } = (await import(CATALOG)) as DemoCatalog;
  return DEMOS;
}
