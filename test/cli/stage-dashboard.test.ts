/**
 * A multi-stage run in a real terminal (tmux): the built `pipeline-tui` draws the chain stage by
 * stage, names the slow stage as the bottleneck, lets a person select it with Tab and add a worker
 * there with +, and ends on a summary that repeats the stages and the bottleneck. NO_COLOR holds.
 * The verdict is part of each snapshot, so the metrics log keeps it and a replay shows the same.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

const user = (name: string): string => fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));
const example = (name: string): string => fileURLToPath(new URL(`../../examples/stages/${name}.mjs`, import.meta.url));

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

describe.skipIf(!HAS_TMUX)('the dashboard of a multi-stage run in a real terminal (tmux)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('draws every stage and queue; names the slow stage; Tab selects it and + adds a worker there', async () => {
    // keep-odd is quick; slow-stage takes 50 ms an item with one worker: its input queue fills.
    const stages = ['--stage', `${example('keep-odd')}=2`, '--stage', `${user('slow-stage')}=1`];
    session = new TmuxSession(['-n', '1000000', '--produce-ms', '1', ...stages], {
      columns: 120,
      rows: 40,
      env: { NO_COLOR: '1' },
    });
    const live = await session.waitFor(
      /^▸Produced .*\n^Queue 1 .*\n^keep-odd .*\n^Queue 2 .*\n^slow-st… .*\n^Queue 3 .*\n^Consumed /m,
    );
    expect(live).toMatch(/2 producers → keep-odd ×2 → slow-stage ×1 → 3 consumers/);
    expect(live).toMatch(/^ keep-odd\n^ {2}S1\.1 [\s\S]*^ slow-stage\n^ {2}S2\.1 /m);
    expect(live).toMatch(/○ P 0\/2 → ○ Q1 0\/2 → ○ keep-odd 0\/2 → ○ Q2 0\/1 → ○ slow-st… 0\/1 → ○ Q3 0\/3 → ○ C 0\/3/);
    // Too long for 120 columns: the advice comes first, and the evidence is what is cut.
    await session.waitFor(
      /^Bottleneck slow-stage — add workers to it \(select it and press \+\); its input queue is full and upstream /m,
    );
    expect(session.screen({ escapes: true })).not.toMatch(/\u001B\[[0-9;]*m/);

    session.keys('Tab', 'Tab');
    await session.waitFor(/^▸slow-st… [\s\S]*\+\/- slow-stage/m);
    session.keys('+');
    await session.waitFor(/→ slow-stage ×2 →/);
    await session.waitFor(/^ {2}S2\.2 /m);

    session.keys('q');
    expect(await session.exitCode()).toBe(0);
    const end = session.screen();
    expect(end).toMatch(/Run stopped on request/);
    expect(end).toMatch(/Stages: producers out [\d,]+ → keep-odd in [\d,]+ out [\d,]+ dropped [\d,]+ → slow-stage in/);
    expect(end).toMatch(/Bottleneck: slow-stage — its input queue is full/);
  }, 90_000);

  it('the bottleneck is recorded in the metrics log: a replay names the same', async () => {
    const metrics = join(scratchDir('stages'), 'run.jsonl');
    const args = ['--duration', '8s', '--produce-ms', '1', '--stage', `${user('slow-stage')}=1`];
    const run = await runCli([...args, '--metrics', metrics, '--plain'], { deadlineMs: 90_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Bottleneck: slow-stage — its input queue is full/m);
    const replay = await runCli(['replay', metrics, '--plain', '--speed', '50'], { deadlineMs: 90_000 });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/ {2}bottleneck slow-stage$/m); // the progress lines, from the log's snapshots
    expect(/^Bottleneck: .*$/m.exec(replay.stdout)?.[0]).toBe(/^Bottleneck: .*$/m.exec(run.stdout)?.[0]);
  }, 120_000);
});
