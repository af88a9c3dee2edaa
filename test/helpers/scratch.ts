/**
 * A directory of the system's temp folder for one test, or one test file, that is removed when it
 * is done: tests leave nothing behind in /tmp (issue 23).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A new directory `pipeline-tui-<name>-XXXXXX`. Made inside a test, it is removed when the test
 * finishes; made at a file's top level (or in a describe block), when the file's tests are done.
 */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pipeline-tui-${name}-`));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove); // not inside a test
  }
  return dir;
}
