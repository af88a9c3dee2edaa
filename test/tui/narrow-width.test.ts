/**
 * narrowWidth answers for string-width in the dashboard's bundle (scripts/bundle-tui.mjs): every
 * character it calls narrow must measure one column in string-width itself, as Ink would have
 * measured it, and anything else must be left to string-width.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { barString, sparklineString } from '../../src/tui/glyphs.js';
import { narrowWidth } from '../../src/tui/narrow-width.js';

describe('narrowWidth', () => {
  it('gives, for every character it answers for, the width string-width gives', () => {
    let answered = 0;
    for (let code = 0; code <= 0x2fff; code++) {
      const char = String.fromCodePoint(code);
      const width = narrowWidth(char);
      if (width === undefined) continue;
      answered++;
      expect(width, `U+${code.toString(16).toUpperCase()}`).toBe(stringWidth(char));
    }
    expect(answered).toBeGreaterThan(400);
  });

  it("measures the dashboard's own glyphs, as string-width does", () => {
    const lines = [
      sparklineString([0, 1, 5, 3, 8, 2], 10),
      barString(0.37, 10),
      '○ producers done 0/2 → ◐ sentinels sent 0/3 → ● consumers exited 3/3 · (sentinel)…',
    ];
    for (const line of lines) {
      expect(narrowWidth(line)).toBe(stringWidth(line));
      expect(narrowWidth(line)).toBe(line.length);
    }
  });

  it('measures coloured text, as Ink hands it over, as string-width does', () => {
    const lines = [
      '\u001B[31mred\u001B[39m',
      '\u001B[1mShutdown  \u001B[22m\u001B[2m○ producers done 0/2\u001B[22m\u001B[2m → \u001B[22m',
      `\u001B[7m\u001B[1m▸Produced \u001B[22m\u001B[27m 678/s \u001B[36m${sparklineString([0, 1, 5, 3], 8)}\u001B[39m`,
      '\u001B[38;5;208m\u001B[48;2;10;20;30m█░\u001B[0m',
    ];
    for (const line of lines) {
      expect(narrowWidth(line), JSON.stringify(line)).toBe(stringWidth(line));
      expect(narrowWidth(line, { countAnsiEscapeCodes: true }), JSON.stringify(line)).toBeUndefined();
    }
  });

  it('leaves to string-width what it cannot know: wide and combining characters, emoji, other escapes', () => {
    for (const text of ['日本', 'e\u0301', '⚠️', '🙂', '◽', '\u001B[31m日本\u001B[39m', '\u001B]8;;x\u0007', '\u200B'])
      expect(narrowWidth(text), JSON.stringify(text)).toBeUndefined();
    expect(narrowWidth('█', { ambiguousIsNarrow: false })).toBeUndefined();
  });
});
