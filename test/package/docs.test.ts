/**
 * The README, CONTRIBUTING.md and the guides in docs/ (issue 23): every relative link resolves to a
 * file, and every #anchor to a heading of the file it points into (GitHub's anchors); every guide
 * is linked from the README; every ```js block is an example under examples/, as it is (a test
 * runs those against the packed package: examples.test.ts), unless it is marked ```js fragment;
 * and every `npx pipeline-tui …` command line they show is one the command accepts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCommand } from '../../src/cli/read-command.js';
import { commandLines, DOCS, ROOT, readMarkdown } from '../helpers/markdown.js';

/** GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown file; a repeated heading gets -1, -2, … as on GitHub. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of readMarkdown(file).prose) {
    const heading = /^#{1,6} (.*)$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The links of a file's prose (inline code spans left out), as written, with their lines. */
function links(file: string): Array<{ target: string; line: number }> {
  const found: Array<{ target: string; line: number }> = [];
  for (const { text, line } of readMarkdown(file).prose) {
    const bare = text.replace(/`[^`]*`/g, '``');
    for (const m of bare.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.push({ target: m[1]!, line });
  }
  return found;
}

/** Why a relative link of `file` does not resolve, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#');
  const to = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
  if (to.startsWith('..')) return `${to} is outside the repository`;
  if (!existsSync(join(ROOT, to))) return `${to} does not exist`;
  if (anchor === undefined) return undefined;
  if (!to.endsWith('.md') || statSync(join(ROOT, to)).isDirectory()) return `#${anchor} into ${to}, not a guide`;
  return anchors(to).has(anchor) ? undefined : `${to} has no heading #${anchor}`;
}

const EXAMPLES = readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.[cm]?js$/.test(f))
  .map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'));

describe('the docs', () => {
  it('finds the README, CONTRIBUTING.md and the guides the README promises', () => {
    for (const guide of ['command-line', 'stages-and-pool', 'broker', 'toolkit', 'how-it-works', 'benchmarks'])
      expect(DOCS).toContain(`docs/${guide}.md`);
  });

  it.each(DOCS)('%s: every relative link resolves, every #anchor to a heading', (file) => {
    const relativeLinks = links(file).filter((l) => !/^[a-z][a-z+.-]*:/.test(l.target));
    const broken = relativeLinks.flatMap(({ target, line }) => {
      const why = brokenLink(file, target);
      return why === undefined ? [] : [`${file}:${line}: (${target}) ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('the README names the Node.js lines that package.json admits and .ci/node-lines tests', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const engines: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
    expect(readme).toContain(`Node.js ${engines.replace(/^>=/, '')} or newer`);
    const lines = /^\[.*\] \|\| lines=\(([\d ]+)\)$/m
      .exec(readFileSync(join(ROOT, '.ci/node-lines'), 'utf8'))![1]!
      .split(' ');
    expect(lines.length).toBeGreaterThan(1);
    expect(readme).toContain(`on Node.js ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}.`);
  });

  it('the README links every guide', () => {
    const targets = links('README.md').map((l) => l.target.split('#')[0]);
    for (const doc of DOCS.filter((d) => d !== 'README.md')) expect(targets, doc).toContain(doc);
  });

  it('the anchors follow GitHub: backticks, slashes and colons dropped, each space a hyphen', () => {
    expect(slug('A run on a stream: `run --broker`, and `worker` on other machines')).toBe(
      'a-run-on-a-stream-run---broker-and-worker-on-other-machines',
    );
    expect(slug('The queue on a stream (`pipeline-tui/broker`)')).toBe('the-queue-on-a-stream-pipeline-tuibroker');
  });

  it('every ```js block is an example file as it is, unless marked fragment; every example is shown', () => {
    const blocks = DOCS.flatMap((file) => readMarkdown(file).blocks.map((b) => ({ ...b, where: `${file}:${b.line}` })));
    const js = blocks.filter((b) => b.info === 'js');
    expect(js.length).toBeGreaterThanOrEqual(EXAMPLES.length);
    for (const block of js) expect(EXAMPLES, `${block.where} is no example file`).toContain(block.body);
    for (const example of EXAMPLES) expect(js.map((b) => b.body)).toContain(example);
    expect(blocks.filter((b) => b.info === 'js fragment').length).toBeGreaterThan(0);
  });

  it.each(DOCS)('%s: every npx pipeline-tui command line is accepted', async (file) => {
    for (const { args, text } of commandLines(file)) {
      await expect(readCommand(args, false), text).resolves.toHaveProperty('command');
    }
  });

  it('reads the command lines the guides show, and would refuse a renamed flag', async () => {
    const all = DOCS.flatMap(commandLines);
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(all.map((c) => c.args[0])).toEqual(expect.arrayContaining(['watch', 'worker', 'replay', 'demo']));
    await expect(readCommand(['--consumer-ms', '5'], false)).rejects.toThrow(/unknown flag --consumer-ms/);
  });
});
