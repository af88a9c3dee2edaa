/**
 * The project's Markdown as the docs tests read it: which files (the README, CONTRIBUTING.md and
 * docs/*.md), their prose lines and code blocks, and the `npx pipeline-tui …` command lines their
 * shell blocks show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every Markdown file a reader is pointed to, relative to the repository. */
export const DOCS: readonly string[] = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

export interface CodeBlock {
  /** What follows the opening fence: `sh`, `js`, `js fragment`, or '' */
  info: string;
  /** Its lines, each ending in a newline. */
  body: string;
  /** The line of its opening fence. */
  line: number;
}

export interface Markdown {
  /** The lines outside code blocks, with their numbers. */
  prose: Array<{ text: string; line: number }>;
  blocks: CodeBlock[];
}

/** Splits a Markdown file of the repository into prose and fenced code blocks. */
export function readMarkdown(file: string): Markdown {
  const prose: Markdown['prose'] = [];
  const blocks: CodeBlock[] = [];
  let open: { info: string; line: number; lines: string[] } | undefined;
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const fence = /^```(.*)$/.exec(text);
      if (open && fence) {
        blocks.push({ info: open.info, body: `${open.lines.join('\n')}\n`, line: open.line });
        open = undefined;
      } else if (open) open.lines.push(text);
      else if (fence) open = { info: fence[1]!.trim(), line: i + 1, lines: [] };
      else prose.push({ text, line: i + 1 });
    });
  if (open) throw new Error(`${file}: the code block opened on line ${open.line} is never closed`);
  return { prose, blocks };
}

export interface CommandLine {
  /** The arguments after `npx pipeline-tui`, split on spaces (the docs quote none). */
  args: string[];
  /** The line as shown, without its comment. */
  text: string;
  /** The directory a `cd examples/…` earlier in the same block moved to, if any. */
  cwd: string | undefined;
}

/** The `npx pipeline-tui …` lines (or `$ npx pipeline-tui …`) of a file's shell and plain blocks. */
export function commandLines(file: string): CommandLine[] {
  return readMarkdown(file)
    .blocks.filter((b) => b.info === 'sh' || b.info === '')
    .flatMap((block) => {
      let cwd: string | undefined;
      return block.body.split('\n').flatMap((line) => {
        const text = line.replace(/\s+#.*$/, '');
        cwd = /^cd (examples\/\S+)$/.exec(text)?.[1] ?? cwd;
        const rest = /^(?:\$ )?npx pipeline-tui\b(.*)$/.exec(text)?.[1]?.trim();
        if (rest === undefined) return [];
        return [{ args: rest === '' ? [] : rest.split(/\s+/), text: `npx pipeline-tui ${rest}`.trim(), cwd }];
      });
    });
}

/** The one command line the docs show for the example in `examples/<dir>`, run from there. */
export function exampleCommand(dir: string): string[] {
  const found = DOCS.flatMap(commandLines).filter((c) => c.cwd === `examples/${dir}`);
  if (found.length !== 1) throw new Error(`the docs show ${found.length} command lines for examples/${dir}, not 1`);
  return found[0]!.args;
}
