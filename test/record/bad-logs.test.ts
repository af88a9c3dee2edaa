/** A metrics log that cannot be replayed is refused with one line naming the file and the line (exit 2). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricsLogError, readMetricsLog } from '../../src/record/metrics-log.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { CONFIG, makeSnapshot, makeSummary } from '../tui/snapshots.js';

const dir = scratchDir('logs');
const header = JSON.stringify({
  format: 'pipeline-tui-metrics',
  version: 2,
  tool: '0.0.0',
  startedAt: '2026-01-01T00:00:00Z',
  config: CONFIG,
});
const snap = (t: number) => JSON.stringify({ snapshot: makeSnapshot({ t }) });
const summary = JSON.stringify({ summary: makeSummary() });

function log(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CASES: Array<[string, string, RegExp]> = [
  ['empty', '', /empty\.jsonl:1: the file is empty/],
  ['not-json', 'hello\n', /not-json\.jsonl:1: not valid JSON/],
  ['other-format', '{"format":"something-else"}\n', /other-format\.jsonl:1: not a pipeline-tui metrics log/],
  [
    'future-version',
    `${header.replace('"version":2', '"version":9')}\n`,
    /future-version\.jsonl:1: metrics log version 9 is not supported/,
  ],
  ['no-snapshots', `${header}\n`, /no-snapshots\.jsonl:2: the log has no snapshots/],
  ['cut-header', header.slice(0, 40), /cut-header\.jsonl:1: the header is cut short/],
  // A cut line is only forgiven at the end: one in the middle is a corrupt log.
  [
    'cut-middle',
    `${header}\n${snap(100)}\n${snap(200).slice(0, 40)}\n${snap(300)}\n`,
    /cut-middle\.jsonl:3: not valid JSON/,
  ],
  [
    'corrupt-middle',
    `${header}\n${snap(100)}\n{"snapshot": oops}\n${snap(300)}\n`,
    /corrupt-middle\.jsonl:3: not valid JSON/,
  ],
  [
    'not-a-snapshot',
    `${header}\n${snap(100)}\n{"snapshot":{"t":5}}\n`,
    /not-a-snapshot\.jsonl:3: a snapshot without its fields/,
  ],
  [
    'v2-without-links',
    `${header}\n{"snapshot":${JSON.stringify({ ...makeSnapshot(), links: undefined })}}\n`,
    /v2-without-links\.jsonl:2: a snapshot without its fields \(t, state, links, totals, workers\)/,
  ],
  [
    'v1-without-queue',
    `${header.replace('"version":2', '"version":1')}\n${snap(100)}\n`,
    /v1-without-queue\.jsonl:2: a snapshot without its fields \(t, state, queue, totals, workers\)/,
  ],
  ['unknown-line', `${header}\n${snap(100)}\n[1,2]\n`, /unknown-line\.jsonl:3: expected a JSON object/],
  [
    'time-goes-back',
    `${header}\n${snap(300)}\n${snap(100)}\n`,
    /time-goes-back\.jsonl:3: snapshot time 100 ms goes back from 300 ms/,
  ],
  [
    'after-summary',
    `${header}\n${snap(100)}\n${summary}\n${snap(200)}\n`,
    /after-summary\.jsonl:4: a line after the summary/,
  ],
];

describe('readMetricsLog refuses what it cannot replay', () => {
  it.each(CASES)('%s', (name, text, message) => {
    const path = log(`${name}.jsonl`, text);
    expect(() => readMetricsLog(path)).toThrow(MetricsLogError);
    expect(() => readMetricsLog(path)).toThrow(message);
  });

  it('a missing file', () => {
    expect(() => readMetricsLog(join(dir, 'missing.jsonl'))).toThrow(/missing\.jsonl: no such file/);
  });

  it('reads a log whose last line was cut mid-write up to the line before, and says where it was cut', () => {
    const parsed = readMetricsLog(log('cut-end.jsonl', `${header}\n${snap(100)}\n${snap(200).slice(0, 40)}`));
    expect(parsed.snapshots.map((s) => s.t)).toEqual([100]);
    expect(parsed.cutAtLine).toBe(3);
    expect(parsed.summary).toBeUndefined();
  });

  it('reads a log whose run crashed (no summary line)', () => {
    const parsed = readMetricsLog(log('crashed.jsonl', `${header}\n${snap(100)}\n${snap(200)}\n`));
    expect(parsed.snapshots.map((s) => s.t)).toEqual([100, 200]);
    expect(parsed.summary).toBeUndefined();
  });
});

describe('pipeline-tui replay with a bad log', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('prints one line naming the file and line, exit 2, no stack trace', async () => {
    const path = log('cli-corrupt.jsonl', `${header}\n${snap(100)}\n${snap(200).slice(0, 40)}\n${snap(300)}\n`);
    const r = await runCli(['replay', path, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`pipeline-tui: ${path}:3: not valid JSON`]);
  });

  it('a log whose last line was cut mid-write replays to the line before, says where it stopped, exit 4', async () => {
    const path = log('cli-cut.jsonl', `${header}\n${snap(100)}\n${snap(200)}\n${snap(300).slice(0, 40)}`);
    const r = await runCli(['replay', path, '--json', '--speed', '100']);
    expect(r.code).toBe(4); // EXIT.cutShort, as for a log without its summary line
    expect(r.stderr.trim().split('\n')).toEqual([
      `pipeline-tui: ${path}: line 4 was cut short mid-write; the replay ends at line 3`,
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      endedBy: 'stopped',
      error: 'the metrics log ends before the run did (line 4 was cut short mid-write; the replay ends at line 3)',
      durationMs: 200,
    });
  });

  it('a crashed run replays to a summary that says the log was cut short', async () => {
    const path = log('cli-crashed.jsonl', `${header}\n${snap(100)}\n${snap(200)}\n`);
    const r = await runCli(['replay', path, '--json', '--speed', '100']);
    expect(r.code).toBe(4); // EXIT.cutShort: the replay says the log was cut short
    expect(JSON.parse(r.stdout)).toMatchObject({
      endedBy: 'stopped',
      error: expect.stringMatching(/cut short/),
      durationMs: 200,
    });
  });

  it('refuses a bad --speed and a missing file', async () => {
    for (const [args, message] of [
      [['replay', join(dir, 'nowhere.jsonl')], /nowhere\.jsonl: no such file/],
      [['replay', join(dir, 'x.jsonl'), '--speed', '0'], /--speed must be a number above 0/],
      [
        ['-n', '10', '--metrics', join(dir, 'no/such/dir/run.jsonl')],
        /--metrics .*: cannot write it \(no such directory\)/,
      ],
      [
        ['-n', '10', '--record', join(dir, 'no/such/dir/run.cast')],
        /--record .*: cannot write it \(no such directory\)/,
      ],
      // A replay has no pipeline to size.
      [['replay', join(dir, 'x.jsonl'), '-p', '3'], /replay does not take -p; see pipeline-tui replay --help/],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
