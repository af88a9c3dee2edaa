/**
 * The docs' runnable examples, as a new user runs them (issues 12 and 23): each is a file under
 * examples/ that the README or a guide shows verbatim (test/package/docs.test.ts checks that), and
 * the command lines shown for them and in the README's quick start, run against the `npm pack`
 * tarball installed into a new "type": "module" project, in a clean environment (PATH, HOME,
 * TERM, LANG: no NODE_ENV, no test-runner variables). The install goes to npm's cache first
 * (--offline, then --prefer-offline). The same install runs `pipeline-tui demo`: the demos are a
 * second build, shipped in dist/demos/.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/dist.js';
import { exampleCommand, readMarkdown } from '../helpers/markdown.js';
import { HAS_REDIS, startRedisServer } from '../helpers/redis-server.js';
import { userEnv } from '../helpers/user-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_DEADLINE_MS = 180_000;
const RUN_DEADLINE_MS = 60_000;

/**
 * The Node.js that runs the examples and the command: PIPELINE_TUI_NODE, a path to a node binary
 * (.ci/run sets it for each supported line), or the one running the tests. It comes first on the
 * PATH too, so npm and the bin (`#!/usr/bin/env node`) run on it, as on a user's machine.
 */
const NODE = process.env.PIPELINE_TUI_NODE ?? process.execPath;

/** What a user's shell has, and nothing else. */
const ENV = userEnv({ PATH: [dirname(NODE), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter) });

const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-examples-'));
const project = join(dir, 'project');

/** Whether an engines range made of `>=X.Y`, `^X.Y` and `||` admits a version (all it uses). */
function admits(range: string, version: string): boolean {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return range.split('||').some((part) => {
    const m = /^\s*(>=|\^)(\d+)(?:\.(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`engines: cannot read "${part}"`);
    const [want, wantMinor] = [Number(m[2]), Number(m[3] ?? 0)];
    const atLeast = major > want || (major === want && minor >= wantMinor);
    return m[1] === '>=' ? atLeast : atLeast && major === want;
  });
}

function run(
  command: string,
  args: string[],
  cwd: string,
  deadlineMs = RUN_DEADLINE_MS,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: { ...ENV, ...env }, encoding: 'utf8', timeout: deadlineMs });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}\n${result.stderr}`);
  return result;
}

beforeAll(
  () => {
    ensureBuilt();
    const pack = run(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir],
      ROOT,
      INSTALL_DEADLINE_MS,
    );
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(dir, pack.stdout.trim().split('\n').at(-1)!);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'new-user', private: true, type: 'module' }));
    const flags = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball];
    let install = run('npm', [...flags, '--offline'], project, INSTALL_DEADLINE_MS);
    if (install.status !== 0) install = run('npm', [...flags, '--prefer-offline'], project, INSTALL_DEADLINE_MS);
    expect(install.status, install.stderr).toBe(0);
    cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
  },
  INSTALL_DEADLINE_MS * 2 + 60_000,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the docs' examples, against the installed tarball", () => {
  it('runs on the Node.js it was given, one that package.json admits', () => {
    const r = run('node', ['-p', 'process.execPath + " " + process.versions.node'], dir);
    const [path, version] = r.stdout.trim().split(' ');
    expect(realpathSync(path!)).toBe(realpathSync(NODE));
    const engines: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
    expect(admits(engines, version!), `engines "${engines}", node ${version}`).toBe(true);
  });

  it('the quick start: the run the README shows ends with the summary it shows', () => {
    const block = readMarkdown('README.md').blocks.find((b) => b.body.startsWith('$ npx pipeline-tui'))!;
    const [command, ...shown] = block.body.trimEnd().split('\n');
    const r = run(join(project, 'node_modules/.bin/pipeline-tui'), command!.split(' ').slice(3), dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Figures and times vary from run to run; the summary's lines and what they count do not.
    const shape = (lines: string[]): string[] =>
      lines.slice(lines.findIndex((l) => l.startsWith('Run '))).map((l) => l.replace(/\d[\d.,]*(?:ms|µs|s)?/g, '#'));
    expect(shape(r.stdout.trimEnd().split('\n'))).toEqual(shape(shown));
    expect(r.stdout).toContain('produced 300, consumed 300');
  });

  it('threads: four Threads under one Lock count exactly, started from another directory', () => {
    const r = run(NODE, [join(project, 'examples/threads/main.js')], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('counter[0] = 400000\n');
    expect(r.status).toBe(0);
  });

  it('commonjs: await import() loads the ESM-only package', () => {
    const r = run(NODE, [join(project, 'examples/commonjs/main.cjs')], project);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('locked: true\n');
    const required = run(NODE, ['-e', "require('pipeline-tui')"], project);
    expect(required.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_REQUIRE_ESM/); // what the README warns of
  });

  it('user modules: the README command line runs them', () => {
    const bin = join(project, 'node_modules/.bin/pipeline-tui');
    const r = run(bin, [...exampleCommand('user-modules'), '--plain'], join(project, 'examples/user-modules'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Run completed in .*: produced 2,000, consumed 2,000/);
    expect(r.status).toBe(0);
  });

  it('stages: the README command line runs the chain, every stage counted', () => {
    const bin = join(project, 'node_modules/.bin/pipeline-tui');
    const r = run(bin, [...exampleCommand('stages'), '--json'], join(project, 'examples/stages'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { produced: number; consumed: number; stages: unknown[] };
    expect(summary.produced).toBe(1000);
    expect(summary.consumed).toBe(500);
    expect(summary.stages).toEqual([
      { name: 'producers', workers: 1, in: 0, out: 1000, dropped: 0 },
      { name: 'keep-odd', workers: 2, in: 1000, out: 500, dropped: 500 },
      { name: 'square', workers: 4, in: 500, out: 500, dropped: 0 },
      { name: 'consumers', workers: 3, in: 500, out: 0, dropped: 0 },
    ]);
  });

  it('library: runPipeline runs the engine and resolves with its Summary', () => {
    const r = run(NODE, [join(project, 'examples/library/run.js')], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^completed: produced 500, consumed 500\nthe queue held at most \d+ of 16 items/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!HAS_REDIS)('broker: runPipeline with its queue on a Redis stream, from pipeline-tui/broker', async () => {
    const server = await startRedisServer({ password: 'ex4mple' });
    try {
      const r = run(NODE, [join(project, 'examples/broker/run-on-stream.js')], dir, RUN_DEADLINE_MS, {
        BROKER: server.url,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(
        `completed: produced 1000, consumed 1000\ndelivered twice: 0, on redis://:***@127.0.0.1:${server.port}\n`,
      );
      expect(r.status).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!HAS_REDIS)('broker: a chain of stages, each link a Redis stream', async () => {
    const server = await startRedisServer();
    try {
      const r = run(NODE, [join(project, 'examples/broker/chain-on-streams.js')], dir, RUN_DEADLINE_MS, {
        BROKER: server.url,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(
        'producers: in 0, out 1000, dropped 0\nkeep-odd: in 1000, out 500, dropped 500\n' +
          'square: in 500, out 500, dropped 0\nconsumers: in 500, out 0, dropped 0\n',
      );
      expect(r.status).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!HAS_REDIS)(
    'broker: BrokerSemaphore holds ten jobs to two at once, by the record on the server',
    async () => {
      const server = await startRedisServer();
      try {
        const r = run(NODE, [join(project, 'examples/broker/limit-across-machines.js')], dir, RUN_DEADLINE_MS, {
          BROKER: server.url,
        });
        expect(r.stderr).toBe('');
        // The ten acquires go out together: two are given permits at once, so the record is exactly 2.
        expect(r.stdout).toBe('10 jobs, at most 2 at once\n');
        expect(r.status).toBe(0);
      } finally {
        await server.stop();
      }
    },
  );

  it('pipeline-tui demo lists the lessons and the stories', () => {
    const r = run(join(project, 'node_modules/.bin/pipeline-tui'), ['demo'], dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ {2}race +a race condition: /m);
    expect(r.stdout).toMatch(/^ {2}bursty +a bursty producer: /m);
    expect(r.status).toBe(0);
  });

  it('pipeline-tui demo runs a lesson: its Thread targets load from the installed demos', () => {
    const r = run(join(project, 'node_modules/.bin/pipeline-tui'), ['demo', 'race', '--quick', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ updates: 2, unlocked: 1, locked: 2 });
    expect(r.status).toBe(0);
  });

  it('pipeline-tui demo runs a story: its producer module loads from the installed demos', () => {
    const r = run(join(project, 'node_modules/.bin/pipeline-tui'), ['demo', 'bursty', '--quick', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ endedBy: 'completed', produced: 160, consumed: 160 });
    expect(r.status).toBe(0);
  });

  it('a TypeScript consumer: one line saying npm i -D tsx without tsx, and it runs once tsx is installed', () => {
    const bin = join(project, 'node_modules/.bin/pipeline-tui');
    writeFileSync(join(project, 'consumer.ts'), 'export function consume(item: unknown): void {}\n');
    const without = run(bin, ['-n', '20', '--plain', '--consumer', './consumer.ts'], project);
    expect(without.status).toBe(2);
    expect(without.stdout).toBe('');
    expect(without.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(without.stderr).toMatch(/^pipeline-tui: --consumer \.\/consumer\.ts: .*npm i -D tsx$/m);
    // "npm i -D tsx", from the cache: the development copy stands in for the registry's.
    symlinkSync(join(ROOT, 'node_modules/tsx'), join(project, 'node_modules/tsx'), 'dir');
    const withTsx = run(bin, ['-n', '20', '--plain', '--consumer', './consumer.ts'], project);
    expect(withTsx.stderr).toBe('');
    expect(withTsx.stdout).toMatch(/Run completed in .*: produced 20, consumed 20/);
    expect(withTsx.status).toBe(0);
  });
});
