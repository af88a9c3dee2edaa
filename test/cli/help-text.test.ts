/**
 * Prose the command prints fits the terminal (issue 21, item 8): `--help` lists the exit codes one
 * to a line instead of wrapping them mid-sentence, and a demo's introduction wraps between words.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORIES } from '../../demos/stories.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('prose that fits', () => {
  it('--help: each exit code on a line of its own, none split', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Exit codes:$/m);
    expect(stdout).toMatch(/^ {2}5 +the broker cannot be used \(unreachable, password refused\)$/m);
    expect(stdout).toMatch(/^ {2}130 +aborted by Ctrl-C \(143 by SIGTERM, 129 by SIGHUP\)$/m);
    expect(stdout).toMatch(/^ {2}3 +stalled: no item moved for --stall-ms while work remained$/m);
  });

  it('--help answered before yargs loads is, byte for byte, what yargs prints', async () => {
    // A locale yargs has no translation for: the early answer steps aside, and yargs prints its English.
    const [early, yargs] = await Promise.all([runCli(['--help']), runCli(['--help'], { env: { LC_ALL: 'xx_XX' } })]);
    expect(early.code).toBe(0);
    expect(yargs.code).toBe(0);
    expect(early.stdout).toMatch(/^pipeline-tui \[run\] \[options\]\n/);
    expect(early.stdout).toBe(yargs.stdout);
    const version = await runCli(['--version']);
    expect(version.stdout).toBe(
      `${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`,
    );
  });

  it('replay or watch with no argument: one line saying what is missing, exit 2', async () => {
    const replay = await runCli(['replay']);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toMatch(
      /^pipeline-tui: replay needs the metrics log to play, as in: pipeline-tui replay run\.jsonl/,
    );
    const watch = await runCli(['watch', '--stream', 'jobs']);
    expect(watch.code).toBe(2);
    expect(watch.stderr).toMatch(/^pipeline-tui: watch needs the broker's address, as in: pipeline-tui watch redis:/);
    for (const r of [replay, watch]) expect(r.stderr).not.toMatch(/Not enough non-option arguments/);
  });

  let tmux: TmuxSession | undefined;
  afterEach(() => tmux?.kill());

  it.skipIf(!HAS_TMUX)('a demo story introduction wraps between words on a narrow terminal', async () => {
    const crash = STORIES.find((s) => s.name === 'crash')!;
    tmux = new TmuxSession(['demo', 'crash', '--quick'], { columns: 50, rows: 60 });
    const screen = await tmux.waitFor(/Run FAILED/, 60_000);
    const intro = screen.slice(0, screen.indexOf('\n\n'));
    for (const line of intro.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    expect(intro.split('\n').join(' ')).toBe(`== crash: ${crash.summary} ${crash.watch}`);
    expect(await tmux.exitCode()).toBe(1);
  });
});
