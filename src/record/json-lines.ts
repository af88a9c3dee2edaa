/**
 * A file of JSON values, one per line, each written synchronously as it comes — what both
 * recordings are (the asciicast and the metrics log), so a run that crashes leaves every line
 * written before the crash. Writes after `close` are dropped.
 *
 * The first line is written when the file is created, and a failure there throws: nothing has
 * started yet. A write that fails later (the disk filled up mid-run) does not throw into the run:
 * the file is cut back to its last whole line, closed, and `onStop` hears why, once; later writes
 * are dropped. What was written reads (and replays) up to there.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export interface JsonLinesOptions {
  /** Called once when a write fails after the first line and the file stops (`lines`: the whole lines it kept). */
  onStop?: (error: NodeJS.ErrnoException, lines: number) => void;
}

export class JsonLinesFile {
  private fd: number | undefined;
  /** Bytes of whole lines written: where a failed write cuts the file back to. */
  private size = 0;
  private lines = 0;
  private readonly onStop: JsonLinesOptions['onStop'];

  /** Creates (or truncates) `path` and writes `first`. @throws the fs error when it cannot be written */
  constructor(
    readonly path: string,
    first: unknown,
    { onStop }: JsonLinesOptions = {},
  ) {
    this.onStop = onStop;
    this.fd = openSync(path, 'w');
    try {
      this.append(first);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  write(value: unknown): void {
    if (this.fd === undefined) return;
    try {
      this.append(value);
    } catch (error) {
      this.stop(error as NodeJS.ErrnoException);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Writes one line whole: writeSync may write part of it (a nearly full disk) and is asked for the rest. */
  private append(value: unknown): void {
    const line = Buffer.from(`${JSON.stringify(value)}\n`);
    for (let done = 0; done < line.length; ) done += writeSync(this.fd!, line, done);
    this.size += line.length;
    this.lines++;
  }

  private stop(error: NodeJS.ErrnoException): void {
    try {
      ftruncateSync(this.fd!, this.size); // drop the part of a line that got in
    } catch {
      // Left with a cut last line, which a reader forgives (metrics-log.ts).
    }
    try {
      this.close();
    } catch {
      // Closed already as far as we are concerned: nothing more is written.
    }
    this.onStop?.(error, this.lines);
  }
}
