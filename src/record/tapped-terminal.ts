/**
 * The stdout handed to Ink when a run is recorded. Ink reads `isTTY`, `columns`, `rows` and the
 * `resize` event from its stdout and writes frames to it; this stream forwards all of that from
 * the terminal behind it and copies every frame into the cast (a resize becomes an "r" event).
 * A terminal that reports no size (0 columns, as some pseudo-terminals do) reads as 80×24, not
 * as a width of zero that would stack the dashboard one character per line.
 *
 * Behind it is either the real terminal, or — when stdout is not a terminal (CI, a pipe) — an
 * off-screen one of a fixed size, so a headless run still records the dashboard it would draw.
 */
import { EventEmitter } from 'node:events';
import type { CastWriter } from './asciicast.js';

/** The part of a terminal stream Ink uses. */
export interface TerminalLike {
  readonly isTTY?: boolean;
  readonly columns: number;
  readonly rows: number;
  write(data: string): boolean;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/**
 * A terminal nobody sees: a size, and writes that go nowhere (the cast gets them). It says it
 * is no TTY, so Ink leaves the real terminal's cursor alone (it would otherwise hide it and
 * write a show-cursor sequence to stderr at exit).
 */
export class OffscreenTerminal extends EventEmitter implements TerminalLike {
  readonly isTTY = false;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write(): boolean {
    return true;
  }
}

/** A keyboard nobody types on: not a terminal, so Ink leaves raw mode and key input off. */
export function offlineStdin(): NodeJS.ReadStream {
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: false,
    setEncoding() {},
    read: () => null,
    ref() {},
    unref() {},
    pause() {},
    resume() {},
  });
  return stdin as unknown as NodeJS.ReadStream;
}

export class TappedTerminal extends EventEmitter {
  private readonly onResize = (): void => {
    this.cast?.resize(this.columns, this.rows);
    this.emit('resize');
  };

  constructor(
    private readonly terminal: TerminalLike,
    private readonly cast: CastWriter | undefined,
  ) {
    super();
    terminal.on('resize', this.onResize);
  }

  get isTTY(): boolean {
    return this.terminal.isTTY === true;
  }
  get columns(): number {
    return this.terminal.columns || 80;
  }
  get rows(): number {
    return this.terminal.rows || 24;
  }

  write(data: string | Uint8Array, ...rest: unknown[]): boolean {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.cast?.output(text);
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    const ok = this.terminal.write(text);
    callback?.();
    return ok;
  }

  /** Stops following the terminal's resizes. */
  detach(): void {
    this.terminal.off('resize', this.onResize);
  }
}
