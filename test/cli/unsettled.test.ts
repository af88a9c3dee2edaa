/**
 * A command whose work never settles must not end with exit code 0 and no word (issue 26.1: it
 * did, for a user module's top-level await). The fault is injected with a probe loaded before
 * the bin: the checking worker's terminate() never settles, so the command awaits it forever
 * while nothing keeps the process alive.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-unsettled-'));
const probe = join(dir, 'never-terminates.mjs');
writeFileSync(
  probe,
  "import { Worker } from 'node:worker_threads';\nWorker.prototype.terminate = () => new Promise(() => {});\n",
);
const consumer = join(dir, 'c.mjs');
writeFileSync(consumer, 'export function consume() {}\n');

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a command that never settles', () => {
  it('says so in one line and exits 1, not 0', async () => {
    const r = await runCli(['-n', '10', '--plain', '--consumer', consumer], { nodeArgs: ['--import', probe] });
    expect(r.stderr).toBe(
      'pipeline-tui: internal error: the command ended before it finished (it waited on something that never came)\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
