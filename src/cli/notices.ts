/**
 * One-line notices on stderr about what went wrong beside a run — an output file it had to stop
 * writing, a stdout it cannot write — said at once, or, while the dashboard is on the screen
 * (where a line would tear its frame), held and said as soon as the dashboard is gone.
 */
export class Notices {
  private held: string[] | undefined;

  say(text: string): void {
    if (this.held !== undefined) this.held.push(text);
    else process.stderr.write(`pipeline-tui: ${text}\n`);
  }

  /** Holds what is said from now on (the dashboard is going on the screen). */
  hold(): void {
    this.held ??= [];
  }

  /** Says what was held, and what comes later at once. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const text of held) this.say(text);
  }
}

/** Why a file (or stdout) cannot be written, in a few words with its code: "ENOSPC: no space left on the device". */
export function whyUnwritable(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOSPC':
      return 'ENOSPC: no space left on the device';
    case 'EDQUOT':
      return 'EDQUOT: over the disk quota';
    case 'EFBIG':
      return 'EFBIG: the file is too large';
    default:
      return error.code ?? error.message;
  }
}

/** Errors of a stdout that nobody reads any more (a closed pipe, a terminal gone): a quiet stop, not a notice. */
export const isReaderGone = (error: NodeJS.ErrnoException | undefined): boolean =>
  error === undefined || error.code === 'EPIPE' || error.code === 'EIO' || error.code === 'ECONNRESET';
