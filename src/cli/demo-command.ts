/**
 * `pipeline-tui demo [name] [--quick] [--plain | --json]`: without a name, lists every demo with
 * one line; with one, runs it. A lesson narrates on stdout and ends with its result (or prints
 * only the result as JSON with --json); a story runs the pipeline exactly as `pipeline-tui run`
 * would with the story's flags. An unknown name is a UsageError naming the accepted ones.
 */

import { wrapText } from '../tui/wrap.js';
import { type DemoEntry, type LessonEntry, loadDemos, type StoryEntry } from './demo-catalog.js';
import { toRunRequest } from './run-args.js';
import { runCommand } from './run-command.js';
import { EXIT, UsageError } from './usage-error.js';

type Parsed = Record<string, unknown>;

/** The list `pipeline-tui demo` prints. */
function demoList(demos: readonly DemoEntry[]): string {
  const width = Math.max(...demos.map((d) => d.name.length)) + 2;
  const rows = (kind: DemoEntry['kind']): string[] =>
    demos.filter((d) => d.kind === kind).map((d) => `  ${d.name.padEnd(width)}${d.summary}`);
  return [
    "Threading lessons (Python's threading tutorials, on worker threads):",
    ...rows('lesson'),
    '',
    'Pipeline stories (the live dashboard, run as `pipeline-tui run` would run them):',
    ...rows('story'),
    '',
    'Run one: pipeline-tui demo <name> [--quick] [--plain | --json]',
  ].join('\n');
}

/** Runs `pipeline-tui demo …` and resolves with the exit code. @throws UsageError for an unknown name */
export async function demoCommand(args: Parsed, stdoutIsTTY: boolean): Promise<number> {
  const name = args.name as string | undefined;
  const demos = await loadDemos();
  if (name === undefined) {
    process.stdout.write(`${demoList(demos)}\n`);
    return EXIT.ok;
  }
  const demo = demos.find((d) => d.name === name);
  if (!demo) throw new UsageError(`unknown demo "${name}"; the demos are: ${demos.map((d) => d.name).join(', ')}`);
  const quick = Boolean(args.quick);
  if (demo.kind === 'lesson') {
    const flag = LESSON_REFUSES.find((key) => args[key] !== undefined);
    if (flag !== undefined) {
      const why = `it takes only --quick and --json, not ${flagName(flag)} (the stories take the run flags)`;
      throw new UsageError(`demo ${name} is a lesson: ${why}`);
    }
    return runLessonCommand(demo, quick, Boolean(args.json));
  }
  return runStory(demo, args, quick, stdoutIsTTY);
}

/** The parsed keys of run's flags (camelCase, as yargs hands them over) and how they were typed. */
const RUN_FLAGS: Record<string, string> = {
  producers: '--producers',
  consumers: '--consumers',
  capacity: '--capacity',
  items: '--items',
  duration: '--duration',
  shutdown: '--shutdown',
  rate: '--rate',
  produceMs: '--produce-ms',
  consumeMs: '--consume-ms',
  jitter: '--jitter',
  work: '--work',
  seed: '--seed',
  producer: '--producer',
  consumer: '--consumer',
  stage: '--stage',
  pool: '--pool',
  refresh: '--refresh',
  stallMs: '--stall-ms',
  record: '--record',
  metrics: '--metrics',
};

/** What a lesson cannot honour: every run flag, and the recordings (a lesson draws no dashboard). */
const LESSON_REFUSES = Object.keys(RUN_FLAGS);
const flagName = (key: string): string => RUN_FLAGS[key] ?? `--${key}`;

/** The flags the user typed: yargs leaves the run flags undefined unless given (parse-args' runFlag). */
const typed = (args: Parsed): Parsed => Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));

/** The story's preset under the user's flags; a typed --duration replaces the preset's --items (and back). */
function presetUnder(preset: Parsed, user: Parsed): Parsed {
  const base = { ...preset };
  if (user.duration !== undefined) delete base.items;
  if (user.items !== undefined) delete base.duration;
  return { ...base, ...user };
}

/** Prose for the reader, wrapped between words on a terminal (its own wrap splits words); as is into a pipe. */
const prose = (text: string): string =>
  process.stdout.isTTY && process.stdout.columns ? wrapText(text, process.stdout.columns) : text;

async function runLessonCommand(lesson: LessonEntry, quick: boolean, json: boolean): Promise<number> {
  const print = (line: string): void => void process.stdout.write(`${prose(line)}\n`);
  if (!json) print(`== ${lesson.name}: ${lesson.summary}\n`);
  const { result } = await lesson.run({ quick, write: json ? () => {} : print });
  print(json ? JSON.stringify(result, null, 2) : `\nResult: ${JSON.stringify(result)}`);
  return EXIT.ok;
}

function runStory(story: StoryEntry, args: Parsed, quick: boolean, stdoutIsTTY: boolean): Promise<number> {
  // A story is a preset: the flags the user typed override it, and the rest of run's defaults fill in behind it.
  const request = toRunRequest(presetUnder(story.flags(quick), typed(args)), stdoutIsTTY);
  if (request.output !== 'json')
    process.stdout.write(`${prose(`== ${story.name}: ${story.summary}\n${story.watch}`)}\n\n`);
  return runCommand(request);
}
