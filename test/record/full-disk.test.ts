/**
 * A disk that fills up mid-run, for real: the recordings are written on a 64 KB tmpfs that the test
 * fills once the run is under way. The run stops writing them, says so in one line each, goes on to
 * its summary and exit code, and what it wrote replays. A stdout on /dev/full is said and exits 141.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { parseCast } from '../helpers/cast.js';
import { type CliProcess, runCli, startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { until } from '../helpers/poll.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-full-'));
const disk = join(dir, 'disk');
mkdirSync(disk);
// Mounting needs root (or CAP_SYS_ADMIN); without it the tmpfs test is skipped, and says so.
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { encoding: 'utf8' });
const MOUNTED = mount.status === 0;
if (!MOUNTED) console.warn(`full-disk test skipped: cannot mount a tmpfs (${mount.stderr.trim() || mount.error})`);

let running: CliProcess | undefined;

beforeAll(() => ensureBuilt(), 120_000);
afterAll(async () => {
  // A run left behind by a failed test holds its files open, and the disk cannot be unmounted under it.
  running?.child.kill('SIGKILL');
  await running?.result.catch(() => {});
  if (MOUNTED) spawnSync('umount', [disk]);
  rmSync(dir, { recursive: true, force: true });
});

const lineCount = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

/** Writes zeros into `path` until the filesystem refuses: whatever room was left is gone. */
function fill(path: string): void {
  try {
    writeFileSync(path, Buffer.alloc(128 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
    throw error;
  }
  throw new Error(`${path}: the disk took 128 KB, it was not full`);
}

describe.skipIf(!MOUNTED)('--metrics and --record on a disk that fills up mid-run', () => {
  it('stop writing, say so once each, and the run ends with its summary and exit code; the log replays', async () => {
    const metrics = join(disk, 'run.jsonl');
    const cast = join(disk, 'run.cast');
    // Light (--rate), and long enough that only the SIGTERM below ends it.
    const cli = startCli(
      ['--rate', '200', '--duration', '5m', '--refresh', '50', '--metrics', metrics, '--record', cast, '--plain'],
      { deadlineMs: 60_000 },
    );
    running = cli;
    await until(() => lineCount(metrics) >= 3, 'three lines in the metrics log', 30_000);
    fill(join(disk, 'filler'));
    // Both files keep being written (a snapshot per refresh, a frame per change), so both hit the full disk.
    await cli.stderrMatching(/--metrics [^\n]*\n[\s\S]*--record |--record [^\n]*\n[\s\S]*--metrics /);
    cli.child.kill('SIGTERM');
    const r = await cli.result;

    expect(r.code).toBe(0); // a first SIGTERM: stopped on request, as without the full disk
    expect(r.stdout).toMatch(/Run stopped on request in /);
    const lines = r.stderr.trim().split('\n');
    const stopped = /^pipeline-tui: --(metrics|record) \S+: cannot write it \(ENOSPC: [a-z ]+\): it ends at line \d+$/;
    expect(lines.filter((l) => !/SIGTERM: stopping gracefully/.test(l))).toEqual([
      expect.stringMatching(stopped),
      expect.stringMatching(stopped),
    ]);

    // Each file holds exactly the whole lines it said it kept.
    const kept = (flag: string): number =>
      Number(new RegExp(`--${flag} \\S+: .* it ends at line (\\d+)`).exec(r.stderr)![1]);
    expect(lineCount(metrics)).toBe(kept('metrics'));
    expect(readFileSync(metrics, 'utf8').endsWith('\n')).toBe(true);
    const log = readMetricsLog(metrics);
    expect(log.summary).toBeUndefined();
    expect(log.snapshots.length).toBe(kept('metrics') - 1);
    expect(lineCount(cast)).toBe(kept('record'));
    expect(parseCast(readFileSync(cast, 'utf8')).events.length).toBe(kept('record') - 1);

    const replay = await runCli(['replay', metrics, '--json', '--speed', '100']);
    expect(replay.code).toBe(4); // EXIT.cutShort: no summary line
    expect(JSON.parse(replay.stdout)).toMatchObject({ durationMs: log.snapshots.at(-1)!.t });
  }, 90_000);
});

describe('stdout on a full disk (/dev/full)', () => {
  it('--json: the summary cannot be written; says so in one line and exits 141, not 0', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await runCli(['-n', '100', '--json'], { stdoutFd: full });
      expect(r.stderr.trim().split('\n')).toEqual([
        'pipeline-tui: stdout: cannot write it (ENOSPC: no space left on the device)',
      ]);
      expect(r.code).toBe(141);
    } finally {
      closeSync(full);
    }
  });
});
