/**
 * A lone `await` of an async queue call keeps a Node process alive until it settles. On Node 20 a
 * pending `Atomics.waitAsync` alone does not: the script would exit with code 13 ("unsettled
 * top-level await") and the timeout would never fire. These run the BUILT package (dist/, what
 * users import) in a child `node` process; dist is rebuilt first if it is older than src/queue.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { userEnv } from '../helpers/user-env.js';
import { DEADLINE_MS } from '../helpers/workers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST_INDEX = pathToFileURL(join(ROOT, 'dist/index.js')).href;

beforeAll(() => ensureBuilt(), 120_000);

/**
 * Runs `body` as an ES module with `m` = the built package and `out(x)` printing a line; returns
 * exit code and output.
 */
function runScript(body: string): { code: number | null; stdout: string; stderr: string } {
  const dir = scratchDir('queue-child');
  const file = join(dir, 'main.mjs');
  writeFileSync(
    file,
    `import * as m from ${JSON.stringify(DIST_INDEX)};\nconst out = (x) => console.log(String(x));\n${body}\n`,
  );
  const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: DEADLINE_MS, env: userEnv() });
  return { code: child.status, stdout: child.stdout.trim(), stderr: child.stderr };
}

/**
 * Code for the child: a worker that, 300 ms from now, runs `code` with `q` = the queue (unref'd: it
 * keeps nothing alive).
 */
const later = (code: string): string =>
  `
  const { Worker } = await import('node:worker_threads');
  new Worker(\`
    const { workerData } = require('node:worker_threads');
    import(workerData.dist).then((m) => setTimeout(() => {` +
  ` const q = m.BoundedQueue.from(workerData.handle); ${code} }, 300));
  \`, { eval: true, workerData: { dist: ${JSON.stringify(DIST_INDEX)}, handle: q.handle } }).unref();`;

describe('a lone await of an async queue call in a child process', () => {
  it('getAsync({ timeout: 200 }) on an empty queue rejects with QueueEmpty, and the process exits 0 (not 13)', () => {
    const run = runScript(`const q = new m.BoundedQueue({ capacity: 1 });
      try { await q.getAsync({ timeout: 200 }); out('resolved'); } catch (e) { out(e.name); }`);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: 'QueueEmpty' });
  });

  it('putAsync({ timeout: 200 }) on a full queue rejects with QueueFull, and the process exits 0', () => {
    const run = runScript(`const q = new m.BoundedQueue({ capacity: 1 }); q.put(1);
      try { await q.putAsync(2, { timeout: 200 }); out('resolved'); } catch (e) { out(e.name); }`);
    expect(run).toMatchObject({ code: 0, stdout: 'QueueFull' });
  });

  it('getAsync() with no timeout stays alive until a worker puts an item 300 ms later', () => {
    const run = runScript(`const q = new m.BoundedQueue({ capacity: 1 });
      ${later(`q.put('late item')`)}
      out(await q.getAsync());`);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: 'late item' });
  });

  it('joinAsync() stays alive until a worker marks the task done 300 ms later', () => {
    const run = runScript(`const q = new m.BoundedQueue({ capacity: 1 }); q.put(1); q.get();
      ${later(`q.taskDone()`)}
      await q.joinAsync(); out('joined');`);
    expect(run).toMatchObject({ code: 0, stdout: 'joined' });
  });
});
