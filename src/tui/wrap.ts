/**
 * Word wrapping for plain text shown on a terminal: lines break between words, never inside one
 * (a word longer than the width is cut), and a continuation line starts with its first word, not
 * with the space it broke at. The terminal's own wrap and Ink's `wrap` do neither.
 */

/** `text` (no newlines) as lines of at most `width` characters, broken at spaces; its indent kept on the first. */
export function wrapWords(text: string, width: number): string[] {
  const max = Math.max(1, width);
  if (text.length <= max) return [text]; // as is, its spacing too
  const indent = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = indent;
  for (const word of text
    .slice(indent.length)
    .split(' ')
    .filter((w) => w !== '')) {
    const fresh = line === indent && lines.length === 0;
    const longer = fresh ? line + word : `${line} ${word}`;
    if (fresh || longer.length <= max) line = longer;
    else {
      lines.push(line);
      line = word;
    }
    while (line.length > max) {
      lines.push(line.slice(0, max));
      line = line.slice(max);
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** Every line of `text` wrapped to `width` (see wrapWords), joined again. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapWords(line, width))
    .join('\n');
}
