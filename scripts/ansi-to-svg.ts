/**
 * Turns a terminal screen captured with its colours (`tmux capture-pane -p -e`) into an SVG:
 * one <text> per line, one <tspan> per run of equal style. `rsvg-convert` then makes the PNG the
 * README shows (see scripts/screenshot.sh). Handles the SGR codes a dashboard uses: reset,
 * bold, dim, inverse, the 16 colours, 256 colours and true colour.
 *
 *   tmux capture-pane -p -e -t pane | npx tsx scripts/ansi-to-svg.ts > screen.svg
 */
import { readFileSync } from 'node:fs';

const PALETTE = [
  '#1e1e1e',
  '#e06c75',
  '#98c379',
  '#e5c07b',
  '#61afef',
  '#c678dd',
  '#56b6c2',
  '#d7dae0',
  '#5c6370',
  '#ff7b86',
  '#b5e890',
  '#ffd580',
  '#82c4ff',
  '#e099ff',
  '#7fd7e0',
  '#ffffff',
];
const FG = '#d7dae0';
const BG = '#1e1e1e';
const CELL = { width: 8.4, height: 18 };

interface Style {
  fg: string | undefined;
  bg: string | undefined;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}
const PLAIN: Style = { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false };

function color256(n: number): string {
  if (n < 16) return PALETTE[n]!;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const level = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
}

function applySgr(style: Style, params: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.assign(s, PLAIN);
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 7) s.inverse = true;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = PALETTE[p - 30];
    else if (p >= 90 && p <= 97) s.fg = PALETTE[p - 90 + 8];
    else if (p === 39) s.fg = undefined;
    else if (p >= 40 && p <= 47) s.bg = PALETTE[p - 40];
    else if (p >= 100 && p <= 107) s.bg = PALETTE[p - 100 + 8];
    else if (p === 49) s.bg = undefined;
    else if ((p === 38 || p === 48) && params[i + 1] === 5) {
      const c = color256(params[i + 2] ?? 0);
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 2;
    } else if ((p === 38 || p === 48) && params[i + 1] === 2) {
      const c = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 4;
    }
  }
  return s;
}

const escapeXml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ansiToSvg(screen: string, title = 'pipeline-tui'): string {
  const lines = screen.replace(/\n+$/, '').split('\n');
  const columns = Math.max(80, ...lines.map((l) => [...l.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '')].length));
  const pad = 14;
  const width = Math.ceil(columns * CELL.width + pad * 2);
  const height = Math.ceil(lines.length * CELL.height + pad * 2);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect width="100%" height="100%" rx="6" fill="${BG}"/>`);
  out.push(`<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`);
  let style = PLAIN;
  lines.forEach((line, row) => {
    const y = pad + row * CELL.height + 14;
    let col = 0;
    const spans: string[] = [];
    for (const part of line.split(/(\u001B\[[0-9;]*m)/)) {
      const sgr = /^\u001B\[([0-9;]*)m$/.exec(part);
      if (sgr) {
        style = applySgr(style, sgr[1] === '' ? [0] : sgr[1]!.split(';').map(Number));
        continue;
      }
      if (part === '') continue;
      const text = part.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '');
      const cells = [...text].length;
      let fg = style.fg ?? FG;
      let bg = style.bg;
      if (style.inverse) [fg, bg] = [bg ?? BG, fg];
      const x = pad + col * CELL.width;
      if (bg)
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y - 14}" ` +
            `width="${(cells * CELL.width).toFixed(1)}" height="${CELL.height}" fill="${bg}"/>`,
        );
      const attrs = [
        `x="${x.toFixed(1)}"`,
        `fill="${fg}"`,
        style.bold ? 'font-weight="bold"' : '',
        style.dim ? 'opacity="0.6"' : '',
      ]
        .filter(Boolean)
        .join(' ');
      spans.push(
        `<tspan ${attrs} textLength="${(cells * CELL.width).toFixed(1)}" lengthAdjust="spacingAndGlyphs">` +
          `${escapeXml(text)}</tspan>`,
      );
      col += cells;
    }
    if (spans.length > 0) out.push(`<text y="${y}">${spans.join('')}</text>`);
  });
  out.push('</g></svg>');
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(ansiToSvg(readFileSync(0, 'utf8')));
}
