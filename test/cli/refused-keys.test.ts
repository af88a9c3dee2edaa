/**
 * Keys that cannot do what they ask say why (issue 21, item 12): `-` on a stage's last worker
 * does not remove it — the chain needs it — and the key bar says so instead of nothing.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

beforeAll(() => ensureBuilt(), 120_000);

const KEEP_ODD = fileURLToPath(new URL('../../examples/stages/keep-odd.mjs', import.meta.url));

describe.skipIf(!HAS_TMUX)('a refused key', () => {
  let tmux: TmuxSession | undefined;
  afterEach(() => tmux?.kill());

  it('- on the last worker of a stage: the key bar says why, and the worker stays', async () => {
    tmux = new TmuxSession(['--duration', '60s', '--stage', `${KEEP_ODD}=1`], { columns: 120 });
    await tmux.waitFor(/S1\.1 +\S+/);
    tmux.keys('Tab');
    await tmux.waitFor(/\+\/- keep-odd/);
    tmux.keys('-');
    const screen = await tmux.waitFor(
      /- cannot remove the last of the keep-odd: the chain needs it \(q stops the run\)/,
    );
    expect(screen).toMatch(/keep-odd ×1/);
    tmux.keys('q');
    expect(await tmux.exitCode(60_000)).toBe(0);
  });
});
