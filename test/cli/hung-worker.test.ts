/**
 * A worker that hangs on one item (issue 21, items 4 and 5), in the built command: the bottleneck
 * judge does not advise more consumers for it, and a graceful stop names the worker that holds the
 * drain up and how long it has held its item, and says what ends it.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

beforeAll(() => ensureBuilt(), 120_000);

/** C2 never finishes its first item; C1 takes 10 ms an item. */
const ONE_HANGS = fileURLToPath(new URL('../fixtures/user/one-hangs-consumer.mjs', import.meta.url));

describe('a consumer that hangs on one item', () => {
  it('plain lines: no "add consumers" for it, and the drain says who it waits for; stalled, exit 3', async () => {
    const args = ['--plain', '-p', '2', '-c', '2', '-n', '200', '--consumer', ONE_HANGS, '--stall-ms', '5000'];
    const cli = startCli(args, { deadlineMs: 60_000 });
    const { code, stdout } = await cli.result;
    expect(code).toBe(3);
    expect(stdout).toMatch(/shutting-down .* {2}waiting for C2 \(held its item \d+\.\ds\)$/m);
    expect(stdout).toMatch(/^Bottleneck: none — C2 has held one item for \d+s\.$/m);
    expect(stdout).not.toMatch(/add consumers/);
  });

  let tmux: TmuxSession | undefined;
  afterEach(() => tmux?.kill());

  it.skipIf(!HAS_TMUX)('on the dashboard, after q: "Waiting C2 has held its item …", and Ctrl-C aborts', async () => {
    tmux = new TmuxSession(
      ['-p', '2', '-c', '2', '--duration', '60s', '--consumer', ONE_HANGS, '--stall-ms', '60000'],
      {
        columns: 140,
      },
    );
    await tmux.waitFor(/C2 +consuming/);
    tmux.keys('q');
    const screen = await tmux.waitFor(/^Waiting +C2 has held its item/m);
    expect(screen).toMatch(/with no item moving, or Ctrl-C aborts/);
    await tmux.waitFor(/^Bottleneck none: C2 has held one item for \d+s/m);
    tmux.keys('C-c');
    expect(await tmux.exitCode()).toBe(130);
  });
});
