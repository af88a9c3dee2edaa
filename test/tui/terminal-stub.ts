/**
 * A stand-in terminal for Ink of any size (ink-testing-library's is always 100 columns): it
 * records every frame Ink writes and can be resized like a real one (`columns`, `rows` and a
 * `resize` event, which is all Ink and useTerminalSize read).
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { offlineStdin } from '../../src/record/tapped-terminal.js';

export class StubTerminal extends EventEmitter {
  readonly isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write(frame: string): boolean {
    this.frames.push(frame);
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  /** The last frame drawn (Ink also writes bare cursor and newline sequences; those are skipped). */
  get lastFrame(): string {
    return this.frames.findLast((f) => f.trim().length > 1 && !f.startsWith('\u001B[?')) ?? '';
  }
}

/** Renders `node` on a stub terminal of `columns` × `rows` (debug mode: each write is a whole frame). */
export function renderOn(node: ReactElement, columns: number, rows: number) {
  const terminal = new StubTerminal(columns, rows);
  const instance = render(node, {
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: offlineStdin(), // no keyboard: the key hook stays off, as when piped
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  return { terminal, ...instance };
}
