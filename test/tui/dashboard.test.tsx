/**
 * The Dashboard component renders a Snapshot and nothing else: every panel shows the numbers it
 * is given, the view fits the terminal it is told about, and colour is all or nothing.
 */
import './force-color.js';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/pipeline/types.js';
import { Dashboard } from '../../src/tui/Dashboard.js';
import { workload } from '../../src/tui/format.js';
import { describeRun } from '../../src/tui/Header.js';
import { historyOf } from '../../src/tui/history.js';
import { createTheme } from '../../src/tui/theme.js';
import { ThemeContext } from '../../src/tui/theme-context.js';
import { CONFIG, makeLink, makeSequence, makeSnapshot, makeWorker, makeWorkers } from './snapshots.js';
import { renderOn } from './terminal-stub.js';

const ANSI = /\u001B\[[0-9;]*m/g;

function draw(
  snapshot: Snapshot,
  { columns = 100, rows = 40, color = false, helpOpen = false, history = historyOf([snapshot]) } = {},
): string {
  const { lastFrame, unmount } = render(
    <ThemeContext.Provider value={createTheme(color)}>
      <Dashboard snapshot={snapshot} history={history} columns={columns} rows={rows} helpOpen={helpOpen} />
    </ThemeContext.Provider>,
  );
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

/** As `draw`, on a terminal really `columns` wide (ink-testing-library's is always 100). */
function drawOn(snapshot: Snapshot, columns: number, rows = 40): string {
  const { terminal, unmount } = renderOn(
    <ThemeContext.Provider value={createTheme(false)}>
      <Dashboard snapshot={snapshot} history={historyOf([snapshot])} columns={columns} rows={rows} />
    </ThemeContext.Provider>,
    columns,
    rows,
  );
  unmount();
  return terminal.lastFrame;
}

const lineOf = (frame: string, label: string): string =>
  frame.split('\n').find((l) => l.startsWith(label)) ?? `(no ${label} line)`;

describe('Dashboard panels', () => {
  it('header: the configuration, the run state and the elapsed time', () => {
    const frame = drawOn(makeSnapshot({ t: 12_300, state: 'paused' }), 140);
    const header = frame.split('\n')[0]!;
    expect(header).toMatch(
      /^pipeline-tui {2}2 producers → 2 consumers · capacity 16 · produce 5ms, consume 8ms \(sleep ±20%\) · 1,000 /,
    );
    expect(header).toMatch(/● paused +12\.3s$/);
  });

  it('header: what does not fit goes first, never the item count or the duration (issue 21)', () => {
    const s = makeSnapshot({ t: 12_300, config: { ...CONFIG, items: 3000 } });
    const at = (columns: number): string => describeRun(s, '2 producers → 2 consumers', columns);
    expect(at(200)).toBe(
      '2 producers → 2 consumers · capacity 16 · produce 5ms, consume 8ms (sleep ±20%) · 3,000 items',
    );
    expect(at(80)).toBe('2 producers → 2 consumers · capacity 16 · produce 5ms, consume 8ms · 3,000 items');
    expect(at(70)).toBe('2 producers → 2 consumers · produce 5ms, consume 8ms · 3,000 items');
    expect(at(50)).toBe('2 producers → 2 consumers · 3,000 items');
    const header = drawOn(s, 120).split('\n')[0]!;
    expect(header).toMatch(/ · 3,000 items +● running +12\.3s$/);
  });

  it('header: the work kind and jitter only next to built-in work, never a user module', () => {
    const user = { ...CONFIG, consumer: './save.mjs' };
    expect(workload(user).work).toBe('produce 5ms (sleep ±20%), consumer save.mjs');
    expect(workload({ ...user, producer: './feed.mjs' }).work).toBe('producer feed.mjs, consumer save.mjs');
  });

  it('the Bottleneck line that does not fit keeps its advice and cuts the evidence (issue 21)', () => {
    const bottleneck = {
      stage: 1,
      name: 'consumers',
      evidence: 'its input queue is full and upstream is blocked 42% of the time',
      advice: 'add consumers (press >, or raise -c)',
    };
    const line = lineOf(drawOn(makeSnapshot({ bottleneck }), 120), 'Bottleneck');
    expect(line).toMatch(/^Bottleneck consumers — add consumers \(press >, or raise -c\); its input queue is full/);
    const wide = lineOf(drawOn(makeSnapshot({ bottleneck }), 160), 'Bottleneck');
    expect(wide).toBe(`Bottleneck consumers — ${bottleneck.evidence}; ${bottleneck.advice}`);
  });

  it('queue: depth / capacity with a fill bar in proportion, and the high-water mark', () => {
    const half = lineOf(draw(makeSnapshot({ links: [makeLink({ depth: 8, capacity: 16, highWater: 12 })] })), 'Queue');
    expect(half).toMatch(/ 8\/16 {2}high 12/);
    const full = (half.match(/█/g) ?? []).length;
    const empty = (half.match(/░/g) ?? []).length;
    expect(full).toBeGreaterThan(0);
    expect(full).toBe(empty); // half full
    const none = lineOf(draw(makeSnapshot({ links: [makeLink({ depth: 0, highWater: 0 })] })), 'Queue');
    expect(none).not.toContain('█');
  });

  it('throughput: rates and totals, latency percentiles, lock contention', () => {
    const frame = draw(
      makeSnapshot({
        rates: { produced: 1234, consumed: 987 },
        totals: { produced: 50_000, consumed: 49_990 },
        latencyMs: { p50: 0.25, p95: 3, p99: 40 },
        lock: { acquisitions: 10_000, contended: 2500 },
      }),
    );
    expect(lineOf(frame, 'Produced')).toMatch(/1,234\/s +total 50,000/); // one number format
    expect(lineOf(frame, 'Consumed')).toMatch(/987\/s +total 49,990/);
    expect(lineOf(frame, 'Latency')).toMatch(/p50 0\.25ms {2}p95 3\.00ms {2}p99 40ms/);
    expect(lineOf(frame, 'Lock')).toMatch(/10,000 acquisitions .* 25% contended/);
  });

  it('a run on a broker: a Broker line in place of the Lock line, and the outage while it lasts', () => {
    const broker = {
      ...{ address: 'redis://:***@h:6379', stream: 'jobs', group: 'g', claimIdleMs: 10_000 },
      ...{ put: 10, acked: 9, duplicates: 2, remoteWorkers: 3 },
    };
    const frame = draw(makeSnapshot({ broker }));
    expect(lineOf(frame, 'Broker')).toMatch(
      /^Broker +stream jobs at redis:\/\/:\*\*\*@h:6379, group g: 2 delivered twice, 3 remote workers$/,
    );
    expect(frame).not.toMatch(/^Lock/m);
    const lost = draw(
      makeSnapshot({ broker: { ...broker, lost: 'lost the broker at 10.0.0.5:6379: connection refused' } }),
    );
    expect(lineOf(lost, 'Broker')).toMatch(/lost the broker at 10\.0\.0\.5:6379: connection refused$/);
    expect(draw(makeSnapshot()).split('\n').length).toBe(frame.split('\n').length);
  });

  it('shutdown: how far the sentinels have travelled, and the time once done', () => {
    const travelling = lineOf(
      draw(
        makeSnapshot({ state: 'shutting-down', shutdown: { producersDone: 2, sentinelsSent: 1, consumersExited: 0 } }),
      ),
      'Shutdown',
    );
    expect(travelling).toMatch(/producers done 2\/2 .* sentinels sent 1\/2 .* consumers exited 0\/2/);
    const done = lineOf(
      draw(
        makeSnapshot({ state: 'done', shutdown: { producersDone: 2, sentinelsSent: 2, consumersExited: 2, ms: 42 } }),
      ),
      'Shutdown',
    );
    expect(done).toMatch(/consumers exited 2\/2/);
    expect(done).toContain('42ms');
  });

  it('workers: one row each with state, items, rate and % blocked; a failed worker shows its error', () => {
    const workers = [
      makeWorker('P1', { state: 'blocked-full', items: 4321, rate: 77, blockedFraction: 0.6 }),
      makeWorker('C1', { state: 'failed', error: 'boom: bad item' }),
      makeWorker('C2', { state: 'blocked-empty', blockedFraction: 0.25 }),
    ];
    const frame = draw(makeSnapshot({ workers, error: 'C1 failed: boom: bad item' }));
    expect(lineOf(frame, '  P1')).toMatch(/P1 +blocked-full +4,321 +77\/s .* 60%/);
    expect(lineOf(frame, '  C1')).toMatch(/failed .* boom: bad item/);
    expect(lineOf(frame, '  C2')).toMatch(/blocked-empty .* 25%/);
    expect(lineOf(frame, 'Error')).toContain('C1 failed: boom: bad item');
  });

  it('lists producers before consumers, each in order, however they were added', () => {
    const frame = draw(
      makeSnapshot({ workers: [makeWorker('P1'), makeWorker('C1'), makeWorker('P2'), makeWorker('C2')] }),
    );
    const ids = frame
      .split('\n')
      .filter((l) => /^ {2}[PC]\d/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(ids).toEqual(['P1', 'P2', 'C1', 'C2']);
  });

  it('sparklines follow the history: a rising depth draws rising bars', () => {
    const seq = makeSequence(200, (i) => ({ links: [makeLink({ depth: Math.floor(i / 13) })] }));
    const queue = lineOf(draw(seq.at(-1)!, { history: historyOf(seq) }), 'Queue');
    const bars = [...queue.trimEnd().slice(-20)].map((ch) => ' ▁▂▃▄▅▆▇█'.indexOf(ch));
    expect(bars.every((b) => b >= 0)).toBe(true);
    expect(bars).toEqual([...bars].sort((a, b) => a - b));
    expect(bars.at(-1)!).toBeGreaterThan(bars[0]!);
  });

  it('the key bar names every key; ? opens the help panel', () => {
    const frame = draw(makeSnapshot());
    expect(frame.split('\n').at(-1)).toMatch(/q stop .*p pause .*\+\/- producers .*>\/< consumers .*\? help/);
    expect(frame).not.toContain('Help');
    expect(draw(makeSnapshot(), { helpOpen: true })).toMatch(/Help[\s\S]*blocked-full: a producer waits for room/);
  });
});

describe('Dashboard fits the terminal', () => {
  it('stays shorter than the terminal with many workers, folding the rest into "+N more"', () => {
    const workers = makeWorkers(40, 40).map((w, i) => (i % 10 === 0 ? { ...w, state: 'blocked-full' as const } : w));
    for (const rows of [12, 20, 24, 40]) {
      const frame = draw(makeSnapshot({ workers }), { rows });
      const lines = frame.split('\n');
      expect(lines.length, `rows ${rows}`).toBeLessThan(rows);
      expect(frame).toMatch(/\+\d+ more: /);
      const shown = lines.filter((l) => /^ {2}[PC]\d/.test(l)).length;
      const hidden = Number(/\+(\d+) more/.exec(frame)![1]);
      expect(shown + hidden).toBe(80);
    }
  });

  it('too short for a single worker row (40×10): the workers still get a "+N more" line', () => {
    const frame = drawOn(makeSnapshot({ workers: makeWorkers(2, 3) }), 40, 10);
    expect(frame.split('\n').length).toBeLessThan(10);
    expect(lineOf(frame, 'Workers')).toMatch(/^Workers +\+5 more: 2 producing/);
  });

  it('shows every worker when they fit', () => {
    const frame = draw(makeSnapshot({ workers: makeWorkers(3, 5) }), { rows: 40 });
    expect(frame).not.toContain('more:');
    expect(frame.split('\n').filter((l) => /^ {2}[PC]\d/.test(l))).toHaveLength(8);
  });

  it('never writes a line wider than the terminal, truncates rather than wraps (same line count at any width)', () => {
    const workers = [
      makeWorker('P1', { state: 'failed', error: 'a very long error message '.repeat(10) }),
      ...makeWorkers(0, 3),
    ];
    const history = historyOf(makeSequence(120, (i) => ({ links: [makeLink({ depth: i % 16 })] })));
    const heights = new Set<number>();
    for (const columns of [50, 80, 132]) {
      const s = makeSnapshot({ workers, error: 'x'.repeat(300) });
      const { terminal, unmount } = renderOn(
        <ThemeContext.Provider value={createTheme(false)}>
          <Dashboard snapshot={s} history={history} columns={columns} rows={40} />
        </ThemeContext.Provider>,
        columns,
        40,
      );
      unmount();
      const lines = terminal.lastFrame.split('\n');
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect([...line].length, `${columns}: ${line}`).toBeLessThanOrEqual(columns);
      heights.add(lines.length);
    }
    expect([...heights]).toHaveLength(1);
  });
});

describe('Dashboard colours', () => {
  it('with colour off the frame has no escape sequence at all, even where chalk would colour', () => {
    const frame = draw(
      makeSnapshot({ workers: [makeWorker('P1', { state: 'failed', error: 'x' }), makeWorker('C1')] }),
      { color: false },
    );
    expect(frame).not.toMatch(ANSI);
    expect(frame).not.toContain('\u001B');
  });

  it('with colour on, states are coloured (so the test above could fail)', () => {
    const frame = draw(makeSnapshot(), { color: true });
    expect(frame).toMatch(ANSI);
    const plain = (f: string) => f.split('\n').map((l) => l.trimEnd());
    expect(plain(frame.replace(ANSI, ''))).toEqual(plain(draw(makeSnapshot(), { color: false })));
  });
});
