/**
 * Outliving a terminal that has gone away (a dropped ssh session, a closed window) to end the run
 * with the exit code it earned. Two things killed the process instead:
 *
 * - a line to stderr (a notice, an error) on the dead terminal fails with EIO, and a stream error
 *   nobody listens for is an uncaught exception (exit 1). There is no one left to tell: ignored.
 * - at exit Node puts back the terminal modes it found at start-up on every stdio fd that was a
 *   terminal, and asserts that this worked: on a hung-up terminal it fails (EIO), and the process
 *   died of SIGABRT with a native stack (exit 134, nodejs/node#51519). Node skips a fd that no
 *   longer refers to the file it started with, so on the way out each fd of a terminal that is
 *   gone is pointed at /dev/null; a live terminal is left as it is, to be put back.
 */
import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

/** Installs both guards (the exit hook only when some stdio fd is a terminal). */
export function outliveDeadTerminal(): void {
  process.stderr.on('error', () => {});
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  if (terminals.length === 0) return;
  process.on('exit', () => {
    // isatty asks the terminal (tcgetattr): a hung-up one answers EIO, and is a terminal no more.
    for (const fd of terminals) if (!isatty(fd)) pointAtNull(fd);
  });
}

/** Closes `fd` and opens /dev/null, which takes the lowest free fd: this one (stdio is walked in order). */
function pointAtNull(fd: number): void {
  try {
    closeSync(fd);
    openSync('/dev/null', 'r+');
  } catch {
    // Closed is enough: Node skips a closed fd too.
  }
}
