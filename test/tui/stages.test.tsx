/**
 * The dashboard of a multi-stage run: one line per stage and per queue in chain order, the pool,
 * the bottleneck, workers grouped by stage, the shutdown cascade link by link — all folded to fit
 * the terminal — while a run of one queue still reads "Produced / Queue / Consumed".
 */
import './force-color.js';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/pipeline/types.js';
import { Dashboard } from '../../src/tui/Dashboard.js';
import { historyOf } from '../../src/tui/history.js';
import { createTheme } from '../../src/tui/theme.js';
import { ThemeContext } from '../../src/tui/theme-context.js';
import { makeLink, makeSequence, makeSnapshot, makeStagedSnapshot, makeWorker } from './snapshots.js';
import { renderOn } from './terminal-stub.js';

const ANSI = /\u001B\[[0-9;]*m/g;

interface DrawOptions {
  columns?: number;
  rows?: number;
  color?: boolean;
  selected?: number;
  history?: ReturnType<typeof historyOf>;
  helpOpen?: boolean;
}

function draw(
  s: Snapshot,
  { columns = 120, rows = 50, color = false, selected, history, helpOpen = false }: DrawOptions = {},
): string {
  const { terminal, unmount } = renderOn(
    <ThemeContext.Provider value={createTheme(color)}>
      <Dashboard
        snapshot={s}
        history={history ?? historyOf([s])}
        columns={columns}
        rows={rows}
        selected={selected}
        helpOpen={helpOpen}
      />
    </ThemeContext.Provider>,
    columns,
    rows,
  );
  unmount();
  return terminal.lastFrame;
}

const lines = (frame: string): string[] => frame.split('\n');
const lineOf = (frame: string, label: string | RegExp): string =>
  lines(frame).find((l) => (typeof label === 'string' ? l.startsWith(label) : label.test(l))) ?? `(no ${label} line)`;
/** The chain panel's labels, top to bottom. */
const chainLabels = (frame: string): string[] =>
  lines(frame)
    .filter((l) => /^(▸?Produced|▸?Consumed|Queue( \d)?|▸?keep-odd|▸?square|▸?[a-f] | {2}⋮)/.test(l))
    .map((l) => (l.startsWith('  ⋮') ? l.trim() : l.slice(0, 10).trim()));

const STAGED = makeStagedSnapshot(['keep-odd', 'square']);

describe('the chain', () => {
  it('one line per stage and per queue, in the order items travel', () => {
    expect(chainLabels(draw(STAGED))).toEqual([
      'Produced',
      'Queue 1',
      'keep-odd',
      'Queue 2',
      'square',
      'Queue 3',
      'Consumed',
    ]);
  });

  it('a stage line: rate, items in, out and dropped, blocked on input and on output', () => {
    const s = makeStagedSnapshot(['keep-odd', 'square'], {
      stages: STAGED.stages.map((st, i) =>
        i === 1
          ? { ...st, rate: 412, in: 12_345, out: 6_000, dropped: 6_345, blockedOnInput: 0.05, blockedOnOutput: 0.4 }
          : st,
      ),
    });
    expect(lineOf(draw(s), 'keep-odd')).toMatch(
      /412\/s {2}in 12,345 {2}out 6,000 {2}dropped 6,345 {2}blocked in +5% out +40%/,
    );
  });

  it('each queue its own gauge, depth/capacity and high water; a closed one says so', () => {
    const s = makeStagedSnapshot(['keep-odd'], {
      links: [makeLink({ depth: 16, highWater: 16 }), makeLink({ depth: 0, highWater: 3, closed: true })],
    });
    const frame = draw(s);
    expect(lineOf(frame, 'Queue 1')).toMatch(/█+ 16\/16 {2}high 16/);
    expect(lineOf(frame, 'Queue 1')).not.toContain('░');
    expect(lineOf(frame, 'Queue 2')).toMatch(/░+ +0\/16 {2}high 3 {2}closed/);
  });

  it('each queue has its own depth sparkline from the history', () => {
    // One snapshot a second: one history bucket each.
    const seq = makeSequence(
      40,
      (i) => ({
        stages: STAGED.stages,
        links: [makeLink({ depth: 16 }), makeLink({ depth: i < 20 ? 0 : 16 }), makeLink({ depth: 0 })],
      }),
      1000,
    );
    const frame = draw(seq.at(-1)!, { history: historyOf(seq) });
    expect(lineOf(frame, 'Queue 1')).toMatch(/█{30}$/); // full all along
    expect(lineOf(frame, 'Queue 2')).toMatch(/high 16 +█{20}$/); // empty, then full: blanks, then 20 bars
    expect(lineOf(frame, 'Queue 3')).toMatch(/high 16 *$/); // never had an item: no bars
  });

  it('the header names the chain', () => {
    expect(lines(draw(STAGED, { columns: 160 }))[0]).toMatch(
      /2 producers → keep-odd ×2 → square ×2 → 2 consumers · capacity 16/,
    );
  });

  it('a run of one queue reads as before: Produced, Queue, Consumed; no groups, no folds', () => {
    const frame = draw(makeSnapshot());
    expect(chainLabels(frame)).toEqual(['Produced', 'Queue', 'Consumed']);
    expect(frame).not.toMatch(/^ (producers|consumers)$/m);
    expect(frame).not.toContain('⋮');
    expect(lineOf(frame, 'Shutdown')).toMatch(/producers done 0\/2 → ○ sentinels sent 0\/2 → ○ consumers exited 0\/2/);
  });
});

describe('pool and bottleneck', () => {
  it('the pool line: permits in use, waiting, the share of time spent waiting for one', () => {
    const s = makeSnapshot({
      pool: {
        size: 2,
        inUse: 2,
        waiting: 3,
        maxInUse: 2,
        acquisitions: 90,
        waits: 40,
        waitedMs: 900,
        waitedFraction: 0.8,
      },
    });
    expect(lineOf(draw(s), 'Pool')).toMatch(
      /Pool +█{10} 2\/2 in use, 3 waiting {2}█{8}░{2} 80% of consumer time waiting/,
    );
    expect(draw(makeSnapshot())).not.toMatch(/^Pool/m);
  });

  it('the bottleneck line: the verdict as a sentence, "none" without one', () => {
    const s = makeStagedSnapshot(['keep-odd', 'square'], {
      bottleneck: {
        stage: 1,
        name: 'keep-odd',
        evidence: 'its input queue is full and upstream is blocked 76% of the time',
        advice: 'add workers to it (select it and press +)',
      },
    });
    expect(lineOf(draw(s, { columns: 160 }), 'Bottleneck')).toBe(
      'Bottleneck keep-odd — its input queue is full and upstream is blocked 76% of the time; ' +
        'add workers to it (select it and press +)',
    );
    expect(lineOf(draw(STAGED), 'Bottleneck').trimEnd()).toBe('Bottleneck none');
  });

  it('the bottleneck line says why none is named when the run cannot support a verdict', () => {
    const paused = makeStagedSnapshot(['keep-odd'], { state: 'paused', noBottleneck: 'paused' });
    expect(lineOf(draw(paused), 'Bottleneck').trimEnd()).toBe('Bottleneck none: paused');
  });
});

describe('workers and shutdown', () => {
  it('workers grouped under their stage, in chain order, however they were added', () => {
    const s = makeStagedSnapshot(['keep-odd'], {
      workers: [
        makeWorker('C1', { stage: 2 }),
        makeWorker('S1.2'),
        makeWorker('P1'),
        makeWorker('S1.1', { state: 'blocked-full', blockedFraction: 0.5 }),
      ],
    });
    const table = lines(draw(s)).slice(lines(draw(s)).findIndex((l) => l.startsWith('Workers')) + 1, -1);
    const body = table.filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/)[0]);
    expect(body).toEqual(['producers', 'P1', 'keep-odd', 'S1.1', 'S1.2', 'consumers', 'C1']);
    expect(lineOf(draw(s), '  S1.1')).toMatch(/blocked-full .* 50%/);
  });

  it('the shutdown cascade, link by link: producers, each queue’s sentinels, each stage, consumers', () => {
    const s = makeStagedSnapshot(['keep-odd', 'square'], {
      state: 'shutting-down',
      stages: STAGED.stages.map((st, i) => (i === 1 ? { ...st, running: 0 } : i === 2 ? { ...st, running: 1 } : st)),
      links: [makeLink({ sentinelsSent: 2 }), makeLink({ sentinelsSent: 2 }), makeLink({ sentinelsSent: 0 })],
      shutdown: { producersDone: 2 },
    });
    expect(lineOf(draw(s, { columns: 200 }), 'Shutdown')).toContain(
      '● producers done 2/2 → ● queue 1 sentinels 2/2 → ● keep-odd exited 2/2 → ● queue 2 sentinels 2/2 → ' +
        '◐ square exited 1/2 → ○ queue 3 sentinels 0/2 → ○ consumers exited 0/2',
    );
    // Narrower, the same steps in their short form.
    expect(lineOf(draw(s, { columns: 120 }), 'Shutdown')).toContain(
      '● P 2/2 → ● Q1 2/2 → ● keep-odd 2/2 → ● Q2 2/2 → ◐ square 1/2 → ○ Q3 0/2 → ○ C 0/2',
    );
  });
});

describe('fitting the terminal', () => {
  const many = makeStagedSnapshot(['a', 'b', 'c', 'd', 'e', 'f'], {}, 6);

  it('stays shorter than the terminal; folded stages and workers add up', () => {
    for (const rows of [14, 20, 24, 30, 60]) {
      const frame = draw(many, { rows, columns: 100 });
      expect(lines(frame).length, `rows ${rows}`).toBeLessThan(rows);
      const labels = chainLabels(frame);
      const folded = labels
        .filter((l) => l.startsWith('⋮'))
        .map((l) => [Number(/(\d+) stage/.exec(l)?.[1] ?? 0), Number(/(\d+) queue/.exec(l)?.[1] ?? 0)]);
      const stages = labels.filter((l) => !l.startsWith('⋮') && !l.startsWith('Queue')).length;
      const queues = labels.filter((l) => l.startsWith('Queue')).length;
      expect(stages + folded.reduce((n, [s]) => n + s!, 0), `rows ${rows}`).toBe(8);
      expect(queues + folded.reduce((n, [, q]) => n + q!, 0), `rows ${rows}`).toBe(7);
      const shown = lines(frame).filter((l) => /^ {2}[PSC][\d.]+ /.test(l)).length;
      const hidden = Number(/\+(\d+) more/.exec(frame)?.[1] ?? 0);
      expect(shown + hidden, `rows ${rows}`).toBe(48);
    }
  });

  it('a fold keeps the selected stage and the bottleneck in view', () => {
    const s = { ...many, bottleneck: { stage: 5, name: 'e', evidence: 'its input queue is full' } };
    const labels = chainLabels(draw(s, { rows: 22, selected: 2 }));
    expect(labels).toContain('▸b');
    expect(labels).toContain('e');
    expect(labels).toContain('Queue 5'); // the bottleneck's input queue
    expect(labels.some((l) => l.startsWith('⋮'))).toBe(true);
  });

  it('with the help open too, on a terminal as short as 24 rows', () => {
    for (const s of [makeSnapshot(), many]) {
      for (const rows of [24, 30]) {
        const frame = draw(s, { rows, columns: 80, helpOpen: true });
        expect(frame).toContain('Help');
        expect(lines(frame).length, `rows ${rows}`).toBeLessThan(rows);
      }
    }
  });

  it('never writes a line wider than the terminal', () => {
    for (const columns of [50, 80, 132]) {
      for (const line of lines(draw(many, { columns, rows: 40 }))) {
        expect([...line].length, `${columns}: ${line}`).toBeLessThanOrEqual(columns);
      }
    }
  });
});

describe('selection and colour', () => {
  it('the selected stage is marked ▸ and named in the key bar', () => {
    const frame = draw(STAGED, { selected: 2 });
    expect(lineOf(frame, '▸square')).toMatch(/95\/s/);
    expect(frame).not.toMatch(/^▸(Produced|keep-odd|Consumed)/m);
    expect(lines(frame).at(-1)).toMatch(/tab stage {2}\+\/- square {2}>\/< consumers/);
    expect(draw(STAGED)).not.toContain('▸'); // no selection (a replay)
  });

  it('with NO_COLOR nothing is escaped: pool, bottleneck and selection included', () => {
    const s = makeStagedSnapshot(['keep-odd'], {
      pool: { size: 2, inUse: 1, waiting: 0, maxInUse: 2, acquisitions: 9, waits: 1, waitedMs: 5, waitedFraction: 0.1 },
      bottleneck: { stage: 1, name: 'keep-odd', evidence: 'x' },
    });
    expect(draw(s, { selected: 1 })).not.toContain('\u001B');
    const coloured = draw(s, { selected: 1, color: true });
    expect(coloured).toMatch(ANSI);
    const trimmed = (f: string) => lines(f).map((l) => l.trimEnd());
    expect(trimmed(coloured.replace(ANSI, ''))).toEqual(trimmed(draw(s, { selected: 1 })));
  });
});
