/**
 * A file of JSON values, one per line, each written synchronously as it comes — what both
 * recordings are (the asciicast and the metrics log), so a run that crashes leaves every line
 * written before the crash. Writes after `close` are dropped.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class JsonLinesFile {
  private fd: number | undefined;

  /** Creates (or truncates) `path`. @throws the fs error when it cannot be written */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(value: unknown): void {
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
