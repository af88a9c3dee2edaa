/**
 * The character-level drawing behind Bar, Gauge and Sparkline: pure functions from numbers to
 * fixed-width strings, so they are easy to test and to reuse in plain output.
 */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const FULL = '█';
const EMPTY = '░';
const LEVELS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * A horizontal bar `width` cells wide filled to `fraction` (0..1) with eighth-cell precision;
 * the rest is shaded. Any non-zero fraction shows at least a sliver, and only a fraction of
 * exactly 1 fills the bar — so "full" on screen means full.
 */
export function barString(fraction: number, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (w === 0) return '';
  const f = clamp01(fraction);
  let eighths = Math.round(f * w * 8);
  if (f > 0 && eighths === 0) eighths = 1;
  if (f < 1 && eighths >= w * 8) eighths = w * 8 - 1;
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8]!;
  return FULL.repeat(full) + part + EMPTY.repeat(w - full - (part ? 1 : 0));
}

/**
 * A sparkline of the last `width` values, newest on the right, scaled so that `max` is a full
 * block (by default the largest value shown). Zero is a blank; any positive value is at least
 * the lowest bar. Shorter histories are padded on the left, so the line is always `width` wide.
 */
export function sparklineString(values: readonly number[], width: number, max?: number): string {
  const w = Math.max(0, Math.floor(width));
  const shown = values.slice(Math.max(0, values.length - w));
  const top = max ?? Math.max(0, ...shown);
  const cells = shown.map((v) => {
    if (!(v > 0) || !(top > 0)) return LEVELS[0];
    return LEVELS[Math.min(8, Math.max(1, Math.round((v / top) * 8)))]!;
  });
  return ' '.repeat(w - cells.length) + cells.join('');
}
