/**
 * `--autoscale` on every sink: the dashboard shows each recent decision on a line of its own under
 * the Bottleneck line (and "measuring…" before the first) and still fits the terminal; plain output
 * prints each decision once; the summary ends with the counts to paste.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { AutoscaleReading, Snapshot } from '../../src/pipeline/types.js';
import { decisionLine, newDecisions } from '../../src/tui/autoscale-text.js';
import { Dashboard } from '../../src/tui/Dashboard.js';
import { historyOf } from '../../src/tui/history.js';
import { formatSummary } from '../../src/tui/plain.js';
import { createTheme } from '../../src/tui/theme.js';
import { ThemeContext } from '../../src/tui/theme-context.js';
import { makeSnapshot, makeSummary, makeWorkers } from './snapshots.js';

const DECISIONS = [
  { t: 10_300, text: '+1 consumer → 237/s (+123 %)' },
  { t: 15_400, text: '+1 consumer → 335/s (+41 %)' },
  { t: 20_600, text: 'kept 4 consumers: a 5th gained 1 %' },
];

const reading = (decided: number): AutoscaleReading => ({
  decided,
  recent: DECISIONS.slice(Math.max(0, decided - 3), decided),
  done: false,
});

function draw(snapshot: Snapshot, rows = 40): string {
  const { lastFrame, unmount } = render(
    <ThemeContext.Provider value={createTheme(false)}>
      <Dashboard snapshot={snapshot} history={historyOf([snapshot])} columns={100} rows={rows} />
    </ThemeContext.Provider>,
  );
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

describe('autoscale on the dashboard', () => {
  it('each recent decision on a line of its own, under the bottleneck', () => {
    const lines = draw(makeSnapshot({ autoscale: reading(3) })).split('\n');
    const at = lines.findIndex((l) => l.startsWith('Autoscale'));
    expect(lines[at - 1]).toMatch(/^Bottleneck /);
    expect(lines.slice(at, at + 3).map((l) => l.trimEnd())).toEqual([
      'Autoscale +1 consumer → 237/s (+123 %)',
      '          +1 consumer → 335/s (+41 %)',
      '          kept 4 consumers: a 5th gained 1 %',
    ]);
  });

  it('"measuring…" before the first decision; nothing without --autoscale', () => {
    expect(draw(makeSnapshot({ autoscale: reading(0) }))).toMatch(/^Autoscale measuring…$/m);
    expect(draw(makeSnapshot())).not.toMatch(/Autoscale/);
  });

  it('still shorter than a 24-row terminal with many workers', () => {
    const s = makeSnapshot({ autoscale: reading(3), workers: makeWorkers(4, 12) });
    expect(draw(s, 24).split('\n').length).toBeLessThan(24);
  });
});

describe('autoscale in plain output and the summary', () => {
  it('prints each decision once, as it comes', () => {
    const [a, b] = [makeSnapshot({ autoscale: reading(1) }), makeSnapshot({ autoscale: reading(3) })];
    expect(newDecisions(undefined, a).map(decisionLine)).toEqual(['[10.3s] autoscale: +1 consumer → 237/s (+123 %)']);
    expect(newDecisions(a, b).map((d) => d.text)).toEqual([DECISIONS[1]!.text, DECISIONS[2]!.text]);
    expect(newDecisions(b, b)).toEqual([]);
    expect(newDecisions(undefined, makeSnapshot())).toEqual([]);
  });

  it('the summary ends with the counts it settled on, as flags to paste', () => {
    const summary = makeSummary({
      autoscale: { decisions: DECISIONS, workers: [1, 4], flags: '-p 1 -c 4', done: true },
    });
    const lines = formatSummary(summary).split('\n');
    expect(lines.slice(-2)).toEqual([
      'Autoscale: 3 decisions, the last: kept 4 consumers: a 5th gained 1 %.',
      'Settled on: -p 1 -c 4',
    ]);
    const cut = formatSummary({ ...summary, autoscale: { ...summary.autoscale!, done: false } });
    expect(cut.split('\n').at(-1)).toBe('Still measuring when the run ended; it had reached: -p 1 -c 4');
  });
});
