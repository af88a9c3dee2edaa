/**
 * A chain on streams in a real terminal (tmux), on a real redis-server: the built `pipeline-tui
 * run --broker … --stage …` draws the stage that a `pipeline-tui worker --role stage` process joins
 * with its remote workers — in the stage's row count, under the stage in the worker table, and in
 * the summary's workers — as it draws remote consumers.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { HAS_REDIS } from '../helpers/redis-server.js';
import { redisSuite } from '../helpers/redis-suite.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

const example = (name: string): string => fileURLToPath(new URL(`../../examples/stages/${name}.mjs`, import.meta.url));
const SQUARE = fileURLToPath(new URL('../fixtures/user/gated-square.mjs', import.meta.url));

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

describe.skipIf(!HAS_REDIS || !HAS_TMUX)('the dashboard of a chain on streams with a stage worked elsewhere', () => {
  const suite = redisSuite('d4sh');

  it("shows the remote stage workers in their stage's row, the worker table and the summary", async () => {
    const { server } = suite;
    const stream = 'drawn';
    const stages = ['--stage', `${example('keep-odd')}=1`, '--stage', `${SQUARE}=1`];
    session = new TmuxSession(
      ['--broker', server.url, '--stream', stream, '-n', '1000000', '--produce-ms', '1', '-c', '1', ...stages],
      { columns: 140, rows: 44, env: { NO_COLOR: '1' } },
    );
    await session.waitFor(/2 producers → keep-odd ×1 → gated-square ×1 → 1 consumer/);
    const worker = startCli(
      ['worker', '--broker', server.url, '--stream', stream, '--role', 'stage', '--stage', SQUARE, '-w', '2'].concat([
        '--refresh',
        '200',
      ]),
      { deadlineMs: 120_000 },
    );
    const remote = `S2.1@${hostname()}:${worker.child.pid}`;
    const live = await session.waitFor(/→ gated-square ×3 →/, 60_000);
    expect(live).toMatch(
      new RegExp(`^ gated-square\\n^ {2}S2\\.1 [\\s\\S]*^ {2}${remote.replace(/\./g, '\\.')} `, 'm'),
    );
    session.keys('q');
    expect(await session.exitCode(60_000)).toBe(0);
    // The summary's lines as printed, wherever the terminal wrapped them.
    const end = session.screen().replace(/\n/g, '');
    expect(end).toMatch(/Run stopped on request/);
    expect(end).toMatch(/→ gated-square exited 3\/3 →/);
    expect(end).toContain(`${remote} `);
    const joined = await worker.result;
    expect([joined.code, joined.stderr]).toEqual([0, '']);
  }, 180_000);
});
