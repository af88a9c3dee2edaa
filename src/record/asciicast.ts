/**
 * The asciicast v2 recorder (`--record run.cast`): a header line, then `[seconds, code, data]`
 * events in time order — "o" output, "r" resize ("COLSxROWS"), "m" a marker a player can jump
 * to. This is what asciinema's own reader enforces: version 2, integer width/height and
 * timestamp, string data, non-decreasing times in seconds since the start, `env` with only
 * TERM and SHELL. Lines are written synchronously as they come, so a crash (or a disk that fills
 * up: see json-lines.ts) leaves a playable recording up to it.
 */
import { JsonLinesFile, type JsonLinesOptions } from './json-lines.js';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (whole seconds) of the start. */
  timestamp: number;
  title?: string;
  env: { TERM?: string; SHELL?: string };
}

export type CastEvent = [seconds: number, code: 'o' | 'r' | 'm', data: string];

export class CastWriter {
  private readonly file: JsonLinesFile;
  private readonly start = performance.now();
  private lastSeconds = 0;

  constructor(
    readonly path: string,
    {
      width,
      height,
      title,
      env = process.env,
      onStop,
    }: { width: number; height: number; title?: string; env?: NodeJS.ProcessEnv } & JsonLinesOptions,
  ) {
    const header: CastHeader = {
      version: 2,
      width: Math.max(1, Math.round(width)),
      height: Math.max(1, Math.round(height)),
      timestamp: Math.floor(Date.now() / 1000),
      ...(title !== undefined ? { title } : {}),
      env: { TERM: env['TERM'] ?? 'xterm-256color', ...(env['SHELL'] ? { SHELL: env['SHELL'] } : {}) },
    };
    this.file = new JsonLinesFile(path, header, { onStop });
  }

  /** Terminal output, as a terminal receives it: Ink's bare `\n` becomes `\r\n` (the tty's ONLCR). */
  output(data: string): void {
    if (data.length > 0) this.event('o', toTerminalNewlines(data));
  }

  resize(columns: number, rows: number): void {
    this.event('r', `${Math.round(columns)}x${Math.round(rows)}`);
  }

  marker(label: string): void {
    this.event('m', label);
  }

  close(): void {
    this.file.close();
  }

  private event(code: CastEvent[1], data: string): void {
    // performance.now() never goes back; the max() guards against rounding at equal times.
    const seconds = Math.max(this.lastSeconds, Math.round(performance.now() - this.start) / 1000);
    this.lastSeconds = seconds;
    this.file.write([seconds, code, data] satisfies CastEvent);
  }
}

/** `\n` not already after `\r` becomes `\r\n`. */
export function toTerminalNewlines(data: string): string {
  return data.replace(/(?<!\r)\n/g, '\r\n');
}
