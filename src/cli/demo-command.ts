/**
 * `pipeline-tui demo [name]`: lists the demos, or runs one. (The demos themselves land next.)
 */
import { EXIT, UsageError } from './usage-error.js';

export async function demoCommand(args: Record<string, unknown>, _stdoutIsTTY: boolean): Promise<number> {
  if (args.name === undefined) {
    process.stdout.write('No demos yet.\n');
    return EXIT.ok;
  }
  throw new UsageError(`unknown demo "${String(args.name)}"`);
}
