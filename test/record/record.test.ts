/**
 * Recording a real run: the metrics log (JSONL) and the asciicast of the dashboard, written by
 * the built command with no terminal (the dashboard is drawn off-screen for the cast).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { parseCast } from '../helpers/cast.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';

const dir = scratchDir('record');
const cast = join(dir, 'run.cast');
const metrics = join(dir, 'run.jsonl');
let runJson: Record<string, unknown>;

beforeAll(async () => {
  ensureBuilt();
  // Snapshots come from a timer (--refresh), so how many a run logs depends on how often that timer
  // got to fire. The consumers' sleeps make this run last at least 600 ms; at 20 ms a snapshot, the
  // few the test asks for below need only a small part of those ticks, even on a loaded machine.
  const run = await runCli([
    '-p',
    '2',
    '-c',
    '3',
    '-n',
    '600',
    '--produce-ms',
    '1',
    '--consume-ms',
    '3',
    '--refresh',
    '20',
    '--record',
    cast,
    '--metrics',
    metrics,
    '--json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  runJson = JSON.parse(run.stdout) as Record<string, unknown>;
}, 120_000);

describe('--metrics', () => {
  it('writes a header, every snapshot in time order, and the same Summary the run printed', () => {
    const log = readMetricsLog(metrics);
    expect(log.header).toMatchObject({
      format: 'pipeline-tui-metrics',
      version: 2,
      config: { producers: 2, consumers: 3, items: 600 },
    });
    expect(log.snapshots.length).toBeGreaterThan(2);
    expect(log.snapshots.at(-1)!.totals).toEqual({ produced: 600, consumed: 600 });
    expect(log.summary).toEqual(runJson);
  });
});

describe('--record', () => {
  it('writes a valid asciicast v2 of the dashboard, with \\r\\n line ends and the phase markers in order', () => {
    const { header, events, output } = parseCast(readFileSync(cast, 'utf8'));
    expect(header).toMatchObject({
      width: 100,
      height: 32,
      title: expect.stringContaining('2 producers → 3 consumers'),
    });
    expect(output).toMatch(/Queue .*\/16/);
    expect(output).toMatch(/Workers +state/);
    expect(output).toContain('Run completed');
    expect(output).not.toMatch(/[^\r]\n/);
    const marks = events.filter((e) => e[1] === 'm').map((e) => e[2]);
    const steps = ['producers done 2/2', 'sentinels sent 3/3', 'consumers exited 3/3'];
    expect(marks.filter((m) => steps.includes(m))).toEqual(steps);
    expect(marks.at(-1)).toBe('done');
  });
});

// asciinema's own reader, where it is installed (Debian: apt install asciinema).
const ASCIINEMA_PYTHON = ['/usr/bin/python3', 'python3'].find(
  (py) => spawnSync(py, ['-c', 'import asciinema.asciicast']).status === 0,
);

describe.skipIf(ASCIINEMA_PYTHON === undefined)("the cast in asciinema's own reader", () => {
  it('loads the header and every event', () => {
    const script =
      'import sys, json, asciinema.asciicast as a\n' +
      'with a.open_from_url(sys.argv[1]) as c:\n' +
      '  print(json.dumps({"header": c.v2_header, "events": sum(1 for e in c.events())}))';
    const r = spawnSync(ASCIINEMA_PYTHON!, ['-c', script, cast], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const read = JSON.parse(r.stdout) as { header: { version: number }; events: number };
    expect(read.header.version).toBe(2);
    expect(read.events).toBe(parseCast(readFileSync(cast, 'utf8')).events.length);
  });
});

describe('replay', () => {
  it('--json replays the log to the same Summary as the run', async () => {
    const replay = await runCli(['replay', metrics, '--speed', '50', '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toEqual(runJson);
  });

  it('--plain prints progress lines and the summary, as a live run does', async () => {
    const replay = await runCli(['replay', metrics, '--speed', '20', '--plain']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/^\[[\d.]+m?s\] +running +queue \d+\/16/m);
    expect(replay.stdout).toMatch(/Run completed in [\d.]+m?s: produced 600, consumed 600/);
  });
});
