/**
 * A terminal that goes away under a run (a dropped ssh session), for real: the built command runs
 * as the session leader of a pseudo-terminal that is then closed. It gets SIGHUP and EIO on every
 * write, in either order; it stops the run as a first SIGHUP does and exits 0, as the README
 * promises. Once it died of SIGABRT (exit 134) in Node's own reset of the terminal at exit.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_PTY, hangUpOn } from '../helpers/hangup.js';

if (!HAS_PTY) console.warn('hangup tests skipped: python3 with its pty module is not available');

// Light (--rate) and long: only the hangup ends it.
const RUN = ['--rate', '1000', '--duration', '5m'];

describe.skipIf(!HAS_PTY)('the terminal closed under a run', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('the dashboard: exit 0, no native assertion, no core dump (stderr kept in a file to read it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-hangup-'));
    const stderrFile = join(dir, 'stderr');
    const r = await hangUpOn(RUN, /● running/, { stderrFile, cwd: dir });
    expect(r.shown, r.screen).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.signal).toBeNull(); // SIGABRT (6) was the bug
    expect(r.code).toBe(0);
    const stderr = existsSync(stderrFile) ? readFileSync(stderrFile, 'utf8') : '';
    expect(stderr).not.toMatch(/Assertion|ResetStdio|Native stack/);
    expect(readdirSync(dir).filter((f) => /^core/.test(f))).toEqual([]);
  }, 90_000);

  it('the dashboard with stderr on the terminal too, as in an ssh session: exit 0', async () => {
    const r = await hangUpOn(RUN, /● running/);
    expect(r.shown, r.screen).toBe(true);
    expect([r.timedOut, r.signal, r.code]).toEqual([false, null, 0]);
  }, 90_000);

  it('--plain on a terminal: exit 0', async () => {
    const r = await hangUpOn([...RUN, '--plain', '--refresh', '100'], /running +queue/);
    expect(r.shown, r.screen).toBe(true);
    expect([r.timedOut, r.signal, r.code]).toEqual([false, null, 0]);
  }, 90_000);
});
