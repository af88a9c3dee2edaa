/** Checks an asciicast v2 file the way asciinema's reader does, and returns its parts. */
import { expect } from 'vitest';
import type { CastEvent, CastHeader } from '../../src/record/asciicast.js';

export function parseCast(text: string): { header: CastHeader; events: CastEvent[]; output: string } {
  const lines = text.split('\n').filter((l) => l !== '');
  const header = JSON.parse(lines[0]!) as CastHeader;
  expect(header.version).toBe(2);
  for (const key of ['width', 'height', 'timestamp'] as const) expect(Number.isInteger(header[key]), key).toBe(true);
  expect(Object.keys(header.env).every((k) => k === 'TERM' || k === 'SHELL')).toBe(true);
  const events = lines.slice(1).map((l, i) => {
    const e = JSON.parse(l) as unknown;
    expect(Array.isArray(e) && e.length === 3, `line ${i + 2}: ${l}`).toBe(true);
    const [t, code, data] = e as CastEvent;
    expect(typeof t === 'number' && t >= 0, `line ${i + 2} time`).toBe(true);
    expect(['o', 'r', 'm', 'i']).toContain(code);
    expect(typeof data).toBe('string');
    return e as CastEvent;
  });
  for (let i = 1; i < events.length; i++)
    expect(events[i]![0], `event ${i} goes back in time`).toBeGreaterThanOrEqual(events[i - 1]![0]);
  const output = events
    .filter((e) => e[1] === 'o')
    .map((e) => e[2])
    .join('');
  return { header, events, output };
}
