/**
 * End to end in a real terminal (tmux): the built `pipeline-tui` draws the dashboard, takes
 * keys as a person types them, and leaves the summary on screen with the right exit code.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCast } from '../helpers/cast.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

const ESC = '\u001B[';
let session: TmuxSession | undefined;
afterEach(() => session?.kill());

describe.skipIf(!HAS_TMUX)('the dashboard in a real terminal (tmux)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('draws the live dashboard; + and > add workers; q stops gracefully, exits 0, the summary on screen', async () => {
    session = new TmuxSession(['-p', '1', '-c', '1', '-n', '1000000', '--produce-ms', '1', '--consume-ms', '1']);
    // The first frame shows the run "starting" (test/cli/first-frame.test.ts): wait for it running.
    const live = await session.waitFor(/● running[\s\S]*Queue .*\/16[\s\S]*Workers[\s\S]*q stop/);
    expect(live).toMatch(/1 producer → 1 consumer/);
    session.keys('+', '>');
    await session.waitFor(/2 producers → 2 consumers/);
    await session.waitFor(/^ {2}P2 /m);
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
    const end = session.screen();
    expect(end).toMatch(/Run stopped on request in [\d.]+m?s: produced ([\d,]+), consumed \1 /);
    expect(end).toMatch(/2 sentinels sent, 2 consumers exited/);
    expect(end).not.toContain('q stop'); // the live view is gone, the summary stays
  }, 60_000);

  it('p pauses every worker, producers and consumers, and p again resumes', async () => {
    session = new TmuxSession(['-n', '1000000']);
    await session.waitFor(/● running/);
    session.keys('p');
    await session.waitFor(
      /● paused[\s\S]*P1 +paused[\s\S]*P2 +paused[\s\S]*C1 +paused[\s\S]*C2 +paused[\s\S]*C3 +paused/,
    );
    session.keys('p');
    await session.waitFor(/● running/);
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
  }, 60_000);

  it('Ctrl-C once drains gracefully, twice aborts at once: exit 130, "aborted", the terminal put back', async () => {
    // Slow consumers behind a full queue: the graceful drain would take half a minute.
    session = new TmuxSession(['--duration', '60s', '--consume-ms', '500', '-q', '64']);
    await session.waitFor(/Queue +█+ +64\/64/);
    session.keys('C-c');
    // The second press comes while the sentinels wait for room: once that hung for good.
    await session.waitFor(/● shutting down/);
    session.keys('C-c');
    expect(await session.exitCode()).toBe(130);
    expect(session.screen()).toMatch(/Run aborted in /);
    expect(session.terminalAfterExit()).toEqual({ raw: false, echo: true });
  }, 60_000);

  it('a quick double Ctrl-C (before the drain begins) aborts too', async () => {
    session = new TmuxSession(['--duration', '60s', '--consume-ms', '500', '-q', '64']);
    await session.waitFor(/Queue +█+ +64\/64/);
    session.keys('C-c', 'C-c');
    expect(await session.exitCode()).toBe(130);
    expect(session.screen()).toMatch(/Run aborted in /);
    expect(session.terminalAfterExit()).toEqual({ raw: false, echo: true });
  }, 60_000);

  // A user's shell may have no NODE_ENV (the usual case) or any value: React and its reconciler
  // must come from one build either way, or nothing is drawn.
  for (const nodeEnv of [undefined, 'development', 'production']) {
    it(`draws the dashboard with NODE_ENV ${nodeEnv ?? 'unset'}`, async () => {
      session = new TmuxSession(['-n', '1000000'], { env: nodeEnv ? { NODE_ENV: nodeEnv } : {} });
      await session.waitFor(/Queue .*\/16[\s\S]*Workers[\s\S]*q stop/);
      session.keys('q');
      expect(await session.exitCode()).toBe(0);
      expect(session.screen()).toMatch(/Run stopped on request/);
      expect(session.terminalAfterExit()).toEqual({ raw: false, echo: true });
    }, 60_000);
  }

  it('colours by default; none at all with NO_COLOR', async () => {
    session = new TmuxSession(['-n', '1000000']);
    await session.waitFor(/● running/);
    expect(session.screen({ escapes: true })).toContain(ESC);
    session.keys('q');
    await session.exitCode();
    session.kill();
    session = new TmuxSession(['-n', '1000000'], { env: { NO_COLOR: '1' } });
    await session.waitFor(/● running/);
    const screen = session.screen({ escapes: true });
    expect(screen).toMatch(/Queue/);
    expect(screen).not.toMatch(/\u001B\[[0-9;]*m/);
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
  }, 60_000);

  it('--record on a real terminal records what it drew, at its size, with resizes as "r" events', async () => {
    const cast = join(scratchDir('cast'), 'run.cast');
    session = new TmuxSession(['-n', '1000000', '--record', cast], { columns: 110, rows: 36 });
    await session.waitFor(/Queue .*\/16/);
    session.resize(90, 30);
    await session.waitFor(/● running/);
    await new Promise((r) => setTimeout(r, 300));
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
    const { header, events, output } = parseCast(readFileSync(cast, 'utf8'));
    expect([header.width, header.height]).toEqual([110, 36]);
    expect(events.filter((e) => e[1] === 'r').map((e) => e[2])).toContain('90x30');
    expect(output).toMatch(/Queue .*\/16/);
    expect(output).toContain('Run stopped on request');
    expect(events.filter((e) => e[1] === 'm').map((e) => e[2])).toContain('stopped');
  }, 60_000);

  it('replay: the same dashboard; space pauses, arrows step, q ends on the recorded summary', async () => {
    const metrics = join(scratchDir('replay'), 'run.jsonl');
    const recorded = await runCli(['-n', '400', '--produce-ms', '5', '--metrics', metrics, '--json']);
    expect(recorded.code).toBe(0);
    session = new TmuxSession(['replay', metrics, '--speed', '0.5']);
    await session.waitFor(/Queue .*\/16[\s\S]*space pause/);
    session.keys('Space');
    const paused = await session.waitFor(/● paused[\s\S]*space play/);
    const elapsed = /● paused +(\S+)/.exec(paused)![1]!;
    session.keys('Right');
    await session.waitFor(new RegExp(`● paused +(?!${elapsed.replace('.', '\\.')}\\b)\\S+`));
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
    const summary = JSON.parse(recorded.stdout) as { produced: number };
    expect(session.screen()).toMatch(
      new RegExp(`Run completed in [\\d.]+m?s: produced ${summary.produced}, consumed ${summary.produced}`),
    );
  }, 60_000);

  it('a terminal that reports no size gets an 80-column dashboard, not one character per line', async () => {
    session = new TmuxSession(['-n', '1000000'], { before: 'stty cols 0 rows 0;' });
    const screen = await session.waitFor(/● running/);
    expect(screen).toMatch(/^Queue .*\/16/m);
    expect(screen).toMatch(/^Workers +state +items/m);
    session.keys('q');
    expect(await session.exitCode()).toBe(0);
  }, 60_000);
});
