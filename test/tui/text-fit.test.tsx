/**
 * Text that does not fit the terminal (issue 21, item 8): prose wraps between words, a wrapped
 * line starts with a word, and rates are written like counts.
 */
import { describe, expect, it } from 'vitest';
import { count, rate } from '../../src/tui/format.js';
import { SummaryView } from '../../src/tui/SummaryView.js';
import { createTheme } from '../../src/tui/theme.js';
import { ThemeContext } from '../../src/tui/theme-context.js';
import { wrapWords } from '../../src/tui/wrap.js';
import { makeSummary, makeWorkers } from './snapshots.js';
import { renderOn } from './terminal-stub.js';

describe('wrapWords', () => {
  it('breaks between words; no line starts with a space or splits a word that fits', () => {
    const text = 'the other consumers drain it; the run ends "failed" (exit 1).';
    const lines = wrapWords(text, 20);
    expect(lines).toEqual(['the other consumers', 'drain it; the run', 'ends "failed" (exit', '1).']);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
  });

  it('keeps a line that fits as it is, and cuts only a word longer than the width', () => {
    expect(wrapWords('a  b', 10)).toEqual(['a  b']);
    expect(wrapWords('abcdefghij k', 4)).toEqual(['abcd', 'efgh', 'ij k']);
  });
});

describe('one number format', () => {
  it('rates carry the thousands separator that counts have', () => {
    expect(rate(1164)).toBe('1,164/s');
    expect(count(2000)).toBe('2,000');
    expect(rate(25_000)).toBe('25,000/s');
    expect(rate(2_500_000)).toBe(`${count(2_500_000)}/s`);
    expect(rate(4.25)).toBe('4.3/s');
  });
});

describe('the summary on a narrow terminal', () => {
  const summary = makeSummary({
    workers: makeWorkers(3, 3).map((w) => ({ ...w, blockedMs: 770 })),
    bottleneck: {
      stage: 1,
      name: 'consumers',
      evidence: 'its input queue is 59% full and upstream is blocked 25% of the time',
      advice: 'add consumers (press >, or raise -c)',
    },
  });
  const frame = (columns: number): string[] => {
    const { terminal, unmount } = renderOn(
      <ThemeContext.Provider value={createTheme(false)}>
        <SummaryView summary={summary} columns={columns} rows={40} />
      </ThemeContext.Provider>,
      columns,
      40,
    );
    unmount();
    return terminal.lastFrame.split('\n').filter((l) => l !== '');
  };

  it('wraps its long lines between words at any width; no wrapped line starts with a space', () => {
    // Seen at 60 columns: "…add consumers (press >," filled the line and " or raise -c)." began the next.
    for (let columns = 30; columns <= 100; columns++) {
      const lines = frame(columns);
      for (const line of lines) {
        expect(line, `${columns} columns: "${line}"`).not.toMatch(/^ /);
        expect([...line].length).toBeLessThanOrEqual(columns);
      }
    }
    expect(frame(60)).toContain('or raise -c).');
  });
});
