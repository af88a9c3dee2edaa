/**
 * The async forms (acquireAsync, holdAsync, withLockAsync, waitAsync, waitForAsync): while the main
 * thread awaits one, its event loop keeps running; and a lone await of one keeps the process alive
 * until it settles (on Node 20 `Atomics.waitAsync` alone does not: the script would exit with code
 * 13, "unsettled top-level await"). The lone-await cases run the BUILT package in a child process.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  RLock,
  Semaphore,
  type SharedHandle,
  withLockAsync,
} from '../../src/index.js';
import type { ActorAction } from '../fixtures/sync-actor.js';
import { DIST_QUEUE, DIST_SYNC, ensureBuilt } from '../helpers/dist.js';
import { until } from '../helpers/poll.js';
import { scratchDir } from '../helpers/scratch.js';
import { shared, ticker } from '../helpers/sync.js';
import { userEnv } from '../helpers/user-env.js';
import { startFixture, within } from '../helpers/workers.js';

/**
 * Starts `pending()` (an async form that must wait), proves the event loop keeps ticking while it
 * is unsettled, then lets `unblock()` end the wait and returns what it resolved to.
 */
async function whileWaiting<T>(pending: () => Promise<T>, unblock: () => Promise<void> | void): Promise<T> {
  const tick = ticker();
  let settled = false;
  const promise = pending().finally(() => (settled = true));
  try {
    await until(() => tick.ticks >= 5 || settled, 'the interval to tick while the async form waits');
    expect(settled, 'settled before it was unblocked').toBe(false);
    expect(tick.ticks).toBeGreaterThanOrEqual(5);
    await unblock();
    return await within(promise, 30_000, 'the async form after it was unblocked');
  } finally {
    tick.stop();
  }
}

/** A worker holds `handle`'s lock until told to let go. */
async function workerHolds(handle: SharedHandle): Promise<() => Promise<void>> {
  const flag = shared(1);
  const holder = startFixture('sync-hold-until', { handle, flag });
  await until(() => Atomics.load(flag, 0) === 1, 'the worker holds it');
  return async () => {
    Atomics.store(flag, 0, 2);
    expect(await holder.result).toBe('released');
  };
}

/** A worker does `action` to `handle` once told to. */
function workerWillDo(
  handle: SharedHandle,
  action: ActorAction,
  extra: { n?: number; word?: Int32Array } = {},
): () => Promise<void> {
  const flag = shared(1);
  const actor = startFixture('sync-actor', { handle, action, flag, ...extra });
  return async () => {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    expect(await actor.result).toBe('done');
  };
}

describe.concurrent('the main thread keeps running while it awaits an async form', () => {
  const lockLikes = [
    ['Lock', () => new Lock()],
    ['RLock', () => new RLock()],
    ['Semaphore(1)', () => new Semaphore(1)],
    ['BoundedSemaphore(1)', () => new BoundedSemaphore(1)],
    ['Condition', () => new Condition()],
  ] as const;

  for (const [name, make] of lockLikes) {
    it(`${name}.holdAsync() and withLockAsync() wait for a worker to release`, async () => {
      const lock = make();
      const hold = await whileWaiting(() => lock.holdAsync(), await workerHolds(lock.handle));
      hold.release();
      const value = await whileWaiting(() => withLockAsync(lock, async () => 'ran'), await workerHolds(lock.handle));
      expect(value).toBe('ran');
      expect(lock.acquire({ blocking: false })).toBe(true); // both released
      lock.release();
    });
  }

  it('Semaphore(0).acquireAsync() waits for a worker to release(2), with another waiter', async () => {
    const sem = new Semaphore(0);
    const other = sem.acquireAsync({ timeout: 30_000 });
    expect(await whileWaiting(() => sem.acquireAsync(), workerWillDo(sem.handle, 'release', { n: 2 }))).toBe(true);
    expect(await within(other, 30_000, 'the other waiter')).toBe(true);
    expect(sem.value).toBe(0);
  });

  it('Condition.waitAsync() waits for a worker to notify', async () => {
    const cond = new Condition();
    expect(await within(cond.acquireAsync({ timeout: 30_000 }), 35_000, 'acquire')).toBe(true);
    expect(await whileWaiting(() => cond.waitAsync(), workerWillDo(cond.handle, 'notify', { n: 1 }))).toBe(true);
    expect(cond.lock.isOwnedByMe()).toBe(true);
    cond.release();
  });

  it('Condition.waitForAsync() waits for a worker to publish a value, and returns it', async () => {
    const cond = new Condition(new Lock());
    const word = shared(1);
    expect(await within(cond.acquireAsync({ timeout: 30_000 }), 35_000, 'acquire')).toBe(true);
    expect(
      await whileWaiting(() => cond.waitForAsync(() => word[0]), workerWillDo(cond.handle, 'publish', { n: 7, word })),
    ).toBe(7);
    cond.release();
  });

  it('Event.waitAsync() waits for a worker to set the event', async () => {
    const event = new Event();
    expect(await whileWaiting(() => event.waitAsync(), workerWillDo(event.handle, 'set'))).toBe(true);
  });
});

describe('a lone await of an async form keeps the process alive until it settles (Node 20 pitfall)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  /**
   * Runs `body` as an ES module with `m` = the built primitives (dist/sync; `m.BoundedQueue` from
   * dist/queue when `queue`), so that the sync cases do not depend on the rest of the package.
   */
  function runScript(body: string, queue = false): { status: number | null; stdout: string; stderr: string } {
    const dir = scratchDir('lone-await');
    const script = join(dir, 'lone.mjs');
    const modules = [...DIST_SYNC, ...(queue ? [DIST_QUEUE] : [])].map(
      (f) => `await import(${JSON.stringify(pathToFileURL(f).href)})`,
    );
    writeFileSync(
      script,
      `import { Worker } from 'node:worker_threads';\nconst m = Object.assign({}, ${modules.join(', ')});\n${body}\n`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000, env: userEnv() });
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  }

  const timedOut: Array<[string, string, string]> = [
    [
      'Lock.acquireAsync({ timeout })',
      `const l = new m.Lock(); l.acquire(); out(await l.acquireAsync({ timeout: 200 }));`,
      'false',
    ],
    [
      'Lock.holdAsync({ timeout })',
      `const l = new m.Lock(); l.acquire(); try { await l.holdAsync({ timeout: 200 }); } catch (e) { out(e.name); }`,
      'AcquireTimeoutError',
    ],
    ['Semaphore.acquireAsync({ timeout })', `out(await new m.Semaphore(0).acquireAsync({ timeout: 200 }));`, 'false'],
    ['Event.waitAsync(timeout)', `out(await new m.Event().waitAsync(200));`, 'false'],
    [
      'Condition.waitAsync(timeout)',
      `const c = new m.Condition(); await c.acquireAsync(); out(await c.waitAsync(200));`,
      'false',
    ],
    [
      'Condition.waitForAsync(predicate, timeout)',
      `const c = new m.Condition(new m.Lock()); await c.acquireAsync(); out(await c.waitForAsync(() => 0, 200));`,
      '0',
    ],
    [
      'BoundedQueue.getAsync({ timeout })',
      `try { await new m.BoundedQueue({ capacity: 1 }).getAsync({ timeout: 200 }); } catch (e) { out(e.name); }`,
      'QueueEmpty',
    ],
  ];
  for (const [name, body, expected] of timedOut) {
    it(`${name} settles after its 200 ms timeout, and the process exits 0 (not 13)`, () => {
      const r = runScript(
        'const t0 = performance.now();\n' +
          'const out = (v) => console.log(String(v), Math.round(performance.now() - t0));\n' +
          body,
        name.startsWith('BoundedQueue'),
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const [value, elapsed] = r.stdout.split(' ');
      expect(value).toBe(expected);
      expect(Number(elapsed)).toBeGreaterThanOrEqual(120); // it did wait: 0.6× the timeout
    });
  }

  it('a timed wait whose deadline passes while the thread is busy still settles (keep-alive outlasts the wait)', () => {
    // Both the keep-alive timer and V8's own timeout are overdue when the loop comes back; a one-shot
    // keep-alive could fire first and leave nothing alive to wait for V8's (exit code 13).
    const r = runScript(
      `const e = new m.Event(); const s = new m.Semaphore(0); const results = [];\n` +
        `for (let i = 0; i < 5; i++) {\n` +
        `  const pending = [e.waitAsync(5), s.acquireAsync({ timeout: 5 })];\n` +
        `  const end = performance.now() + 30; while (performance.now() < end) {}\n` +
        `  results.push(...(await Promise.all(pending)));\n` +
        `}\n` +
        `console.log(results.join(','));`,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(Array(10).fill('false').join(','));
  });

  // The only other thing alive is an unref'd worker, which cannot keep the process running: the
  // wait itself must. Its timer must also cope with waits longer than Node's 2^31-1 ms timer limit.
  // `later(module, code, handle)`: 300 ms from now, a worker runs `code` with `m` = dist/sync/<module>.
  const releasedByWorker: Array<[string, string]> = [
    [
      'an untimed Lock.acquireAsync()',
      "const l = new m.Lock(); l.acquire(); later('lock', 'm.Lock.from(h).release()', l.handle); " +
        'console.log(await l.acquireAsync());',
    ],
    [
      'Event.waitAsync() with a timeout beyond 2^31-1 ms',
      "const e = new m.Event(); later('event', 'm.Event.from(h).set()', e.handle); " +
        'console.log(await e.waitAsync(3_000_000_000));',
    ],
    [
      'Semaphore.acquireAsync() with a timeout of 2^31 ms',
      "const s = new m.Semaphore(0); later('semaphore', 'm.Semaphore.from(h).release()', s.handle); " +
        'console.log(await s.acquireAsync({ timeout: 2 ** 31 }));',
    ],
  ];
  const LATER = `function later(module, code, h) {
  const url = new URL(module + '.js', ${JSON.stringify(pathToFileURL(DIST_SYNC[0]!).href)}).href;
  const src = "const { workerData: { url, code, h } } = require('node:worker_threads');" +
    "setTimeout(() => import(url).then((m) => new Function('m', 'h', code)(m, h)), 300);";
  new Worker(src, { eval: true, workerData: { url, code, h } }).unref();
}`;
  for (const [name, body] of releasedByWorker) {
    it(`${name}, ended by an unref'd worker after 300 ms, resolves and the process exits 0`, () => {
      const r = runScript(`${LATER}\n${body}`);
      expect(r.stderr).toBe(''); // no TimeoutOverflowWarning either
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('true');
    });
  }
});
