/**
 * The width of text made only of one-column characters, known without measuring: printable
 * ASCII and the glyphs the dashboard draws with (general punctuation, arrows, box drawing, block
 * elements, geometric shapes). The dashboard's bundle (scripts/bundle-tui.mjs) puts this in front
 * of `string-width`, which Ink calls on every text of every frame: for any character past ASCII it
 * segments the string into graphemes and tests each against the emoji set, a fifth of a frame's
 * CPU. Every character here is narrow (East Asian Width N or A) and none is an emoji shown as a
 * picture on its own (U+25FD and U+25FE are, so the range stops before them);
 * test/tui/narrow-width.test.ts holds each one against string-width.
 *
 * Ink measures its texts with their colours applied, so most of them carry SGR escapes
 * (`ESC [ … m`), which string-width strips and counts as nothing: they are stripped here too, and
 * the rest answered for as above. Any other escape is left to string-width.
 */
const NARROW = /^[\u0020-\u007E\u00B7\u2010-\u2027\u2190-\u21FF\u2500-\u25FC]*$/;
const SGR = /\u001B\[[0-9;]*m/g;

/** Options as string-width takes them. */
export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/** The text's width in columns when every character is a narrow one, else undefined (measure it). */
export function narrowWidth(text: unknown, options?: WidthOptions): number | undefined {
  if (typeof text !== 'string' || options?.ambiguousIsNarrow === false) return undefined;
  if (NARROW.test(text)) return text.length;
  if (options?.countAnsiEscapeCodes || !text.includes('\u001B')) return undefined;
  const plain = text.replace(SGR, '');
  return NARROW.test(plain) ? plain.length : undefined;
}
