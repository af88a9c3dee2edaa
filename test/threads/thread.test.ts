import { execSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  activeCount,
  currentThread,
  Event,
  type ExceptHookArgs,
  enumerate,
  Lock,
  mainThread,
  setExcepthook,
  Thread,
  ThreadStateError,
  Timer,
} from '../../src/index.js';
import { sleep, until } from '../helpers/poll.js';
import { scratchDir } from '../helpers/scratch.js';
import { userEnv } from '../helpers/user-env.js';
import { startFixture, within } from '../helpers/workers.js';

const TASKS = fileURLToPath(new URL('../fixtures/thread-tasks.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist/index.js');
const task = (name: string): string => `${TASKS}#${name}`;
const JOIN_MS = 30_000;

afterEach(() => setExcepthook(undefined));

interface Seen {
  name: string;
  ident: number;
  threadId: number;
  daemon: boolean;
  alive: boolean;
  active: number;
  names: string[];
}
const readSeen = (out: Int32Array): Seen =>
  JSON.parse(new TextDecoder().decode(new Uint8Array(out.buffer).slice(4, 4 + out[0]!))) as Seen;
const names = (): string[] => enumerate().map((t) => t.name);

describe('Thread', () => {
  it('starts, runs the target with its arguments, and joins; name, ident, isAlive', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const t = new Thread({ target: task('waitForFlag'), args: [flag] });
    expect(t.name).toMatch(/^Thread-\d+$/);
    expect(t.daemon).toBe(false);
    expect(t.ident).toBeUndefined();
    expect(t.isAlive()).toBe(false);
    t.start();
    expect(t.ident).toBeGreaterThan(0);
    expect(t.isAlive()).toBe(true);
    expect(await t.join(100)).toBe(false); // still waiting for the flag
    expect(t.isAlive()).toBe(true);
    Atomics.store(flag, 0, 1);
    expect(await within(t.join(), JOIN_MS, 'join')).toBe(true);
    expect(t.isAlive()).toBe(false);
    expect(await t.join(0)).toBe(true);
  });

  it('default names count up: Thread-N, Thread-N+1', () => {
    const a = new Thread({ target: task('sleep') });
    const b = new Thread({ target: task('sleep') });
    expect(Number(b.name.slice('Thread-'.length))).toBe(Number(a.name.slice('Thread-'.length)) + 1);
  });

  it('a Lock passed as an argument synchronises several threads (exact count)', async () => {
    const lock = new Lock();
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const threads = Array.from(
      { length: 4 },
      (_, i) => new Thread({ target: task('lockedIncrements'), args: [lock, shared, 5000], name: `adder-${i}` }),
    );
    for (const t of threads) t.start();
    await within(Promise.all(threads.map((t) => t.join())), 60_000, 'joins');
    expect(shared[0]).toBe(20_000);
    expect(lock.locked()).toBe(false);
  });

  it('a handle passed as an argument is revived too', async () => {
    const event = new Event();
    const t = new Thread({ target: task('setEvent'), args: [event.handle] });
    t.start();
    await within(t.join(), JOIN_MS, 'join');
    expect(event.isSet()).toBe(true);
  });

  it('refuses to start twice or join before start', async () => {
    const t = new Thread({ target: task('sleep'), args: [1] });
    await expect(t.join()).rejects.toThrow(ThreadStateError);
    t.start();
    expect(() => t.start()).toThrow(ThreadStateError);
    expect(() => t.start()).toThrow(/threads can only be started once/);
    await within(t.join(), JOIN_MS, 'join');
  });

  it('the args pitfall: a bare value instead of an array gets an error showing the fix', () => {
    expect(() => new Thread({ target: task('sleep'), args: 'hello' as never })).toThrow(
      'args must be an array of arguments; got a string — did you mean args: ["hello"]?',
    );
    expect(() => new Thread({ target: task('sleep'), args: 5 as never })).toThrow(/did you mean args: \[5\]/);
  });

  it('an uncaught error goes to the excepthook; join still returns', async () => {
    const seen: ExceptHookArgs[] = [];
    setExcepthook((args) => seen.push(args));
    const t = new Thread({ target: task('boom'), name: 'exploder' });
    t.start();
    expect(await within(t.join(), JOIN_MS, 'join')).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.thread).toBe(t);
    expect((seen[0]!.error as Error).message).toBe('boom from a thread');
    expect((seen[0]!.error as Error).stack).toMatch(/at boom/);
  });

  it('a target that does not exist is reported, not fatal', async () => {
    const seen: unknown[] = [];
    setExcepthook(({ error }) => seen.push(error));
    const t = new Thread({ target: task('noSuchExport') });
    t.start();
    await within(t.join(), JOIN_MS, 'join');
    expect(String((seen[0] as Error).message)).toMatch(/has no exported function "noSuchExport"/);
  });

  it('runs the default export when no name is given; { module, export } works too', async () => {
    const a = new Thread({ target: TASKS, args: [1] });
    const b = new Thread({
      target: { module: new URL('../fixtures/thread-tasks.ts', import.meta.url), export: 'sleep' },
      args: [1],
    });
    a.start();
    b.start();
    expect(await within(a.join(), JOIN_MS, 'join')).toBe(true);
    expect(await within(b.join(), JOIN_MS, 'join')).toBe(true);
  });
});

describe('activeCount, currentThread, mainThread, enumerate', () => {
  it('from the main thread', async () => {
    expect(currentThread()).toBe(mainThread());
    expect(mainThread().name).toBe('MainThread');
    expect(mainThread().ident).toBe(0);
    const before = activeCount();
    expect(enumerate()[0]).toBe(mainThread());
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const t = new Thread({ target: task('waitForFlag'), args: [flag], name: 'sleeper' });
    t.start();
    expect(activeCount()).toBe(before + 1);
    expect(enumerate()).toContain(t);
    Atomics.store(flag, 0, 1);
    await within(t.join(), JOIN_MS, 'join');
    expect(activeCount()).toBe(before);
    expect(enumerate()).not.toContain(t);
  });

  it('from inside a thread: it sees itself, the main thread and its siblings', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const sibling = new Thread({ target: task('waitForFlag'), args: [flag], name: 'sibling' });
    sibling.start();
    const out = new Int32Array(new SharedArrayBuffer(4096));
    const t = new Thread({ target: task('introspect'), args: [out], name: 'looker', daemon: true });
    t.start();
    await within(t.join(), JOIN_MS, 'join');
    Atomics.store(flag, 0, 1);
    await within(sibling.join(), JOIN_MS, 'sibling');
    const seen = readSeen(out);
    expect(seen.name).toBe('looker');
    expect(seen.ident).toBe(seen.threadId);
    expect(seen.ident).toBe(t.ident);
    expect(seen.daemon).toBe(true);
    expect(seen.alive).toBe(true);
    expect(seen.names).toEqual(expect.arrayContaining(['MainThread', 'sibling', 'looker']));
    expect(seen.active).toBe(seen.names.length);
  });

  it('a thread started inside a thread is seen from the main thread, and forgotten when it ends', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const before = activeCount();
    const outer = new Thread({ target: task('startNested'), args: [flag, 'inner', false], name: 'outer' });
    outer.start();
    await until(() => names().includes('inner'), 'the nested thread to appear in enumerate()');
    expect(names()).toContain('outer');
    expect(activeCount()).toBe(before + 2);
    Atomics.store(flag, 0, 1);
    await within(outer.join(), JOIN_MS, 'outer');
    expect(activeCount()).toBe(before);
  });

  it('a daemon thread ends with the thread that started it, and leaves the registry with it', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4)); // never set: the inner thread waits forever
    const before = activeCount();
    const outer = new Thread({ target: task('startNested'), args: [flag, 'inner-daemon', true], name: 'outer-daemon' });
    outer.start();
    await within(outer.join(), JOIN_MS, 'outer');
    expect(names()).not.toContain('inner-daemon');
    expect(activeCount()).toBe(before);
  });

  it('a thread started by a worker that is not a Thread is in the same registry', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const before = activeCount();
    const { worker, result } = startFixture<string>('thread-from-worker', { flag });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    expect(await result).toMatch(/^Dummy-\d+$/);
    expect(names()).toContain('from-a-worker');
    Atomics.store(flag, 0, 1);
    await within(exited, JOIN_MS, 'the worker to exit');
    await until(() => activeCount() === before, 'the thread to leave the registry');
  });
});

describe('Timer', () => {
  it('calls the function after the interval, with its arguments', async () => {
    const calls: unknown[][] = [];
    const t = new Timer(30, (...args: unknown[]) => void calls.push(args), ['a', 1]);
    expect(t.name).toMatch(/^Thread-\d+$/);
    t.start();
    expect(t.isAlive()).toBe(true);
    expect(await within(t.join(), JOIN_MS, 'timer')).toBe(true);
    expect(calls).toEqual([['a', 1]]);
    expect(t.isAlive()).toBe(false);
    expect(t.finished.isSet()).toBe(true);
    expect(t.cancelled).toBe(false);
  });

  it('cancel before it fires means it never runs', async () => {
    let ran = false;
    const t = new Timer(50, () => (ran = true));
    t.start();
    t.cancel();
    expect(t.cancelled).toBe(true);
    expect(t.isAlive()).toBe(false);
    await sleep(150); // well past the interval
    expect(ran).toBe(false);
    expect(await within(t.join(), JOIN_MS, 'join')).toBe(true);
  });

  it("setting `finished` from another thread cancels it (Python's Timer.finished)", async () => {
    let ran = false;
    const t = new Timer(10, () => (ran = true));
    const setter = new Thread({ target: task('setEvent'), args: [t.finished] });
    setter.start();
    await within(setter.join(), JOIN_MS, 'setter');
    t.start();
    await within(t.join(), JOIN_MS, 'timer');
    expect(ran).toBe(false);
    expect(t.cancelled).toBe(true);
  });

  it('an error in the function goes to the excepthook', async () => {
    const seen: ExceptHookArgs[] = [];
    setExcepthook((args) => seen.push(args));
    const t = new Timer(1, () => {
      throw new Error('timer failed');
    });
    t.start();
    await within(t.join(), JOIN_MS, 'timer');
    expect(seen.map((s) => [s.thread, (s.error as Error).message])).toEqual([[t, 'timer failed']]);
  });

  it('refuses a second start, join before start, and bad arguments', async () => {
    const t = new Timer(10, () => {});
    await expect(t.join()).rejects.toThrow(ThreadStateError);
    t.start();
    expect(() => t.start()).toThrow(ThreadStateError);
    t.cancel();
    expect(() => new Timer(-1, () => {})).toThrow(RangeError);
    expect(() => new Timer(1, () => {}, 'x' as never)).toThrow(/did you mean args/);
  });
});

describe('at process exit, in a real child process (built dist/)', () => {
  beforeAll(() => {
    try {
      execSync('npm run build', { cwd: ROOT, stdio: 'pipe', timeout: 170_000 });
    } catch (error) {
      // tsc still emits when files outside this suite have type errors; only missing output is fatal.
      if (!existsSync(DIST)) throw error;
    }
  }, 180_000);

  /**
   * Runs `main` (an ES module's text) in a fresh node process, next to a `late.mjs`, an `endless.mjs` and a
   * `boom.mjs`.
   */
  const runChild = (main: string) => {
    const dir = scratchDir('threads');
    writeFileSync(
      join(dir, 'late.mjs'),
      'export default function late() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); ' +
        "console.log('thread finished'); }\n",
    );
    // For the daemon case: so long that only a process that waited for it could print its line (a
    // 300 ms thread may rightly finish first when the process is slow to exit on a loaded machine).
    writeFileSync(
      join(dir, 'endless.mjs'),
      'export default function endless() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); ' +
        "console.log('thread finished'); }\n",
    );
    writeFileSync(join(dir, 'boom.mjs'), `export function boom() { throw new TypeError('boom from a thread'); }\n`);
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { Thread, ThreadPoolExecutor } from ${JSON.stringify(DIST)};\n` +
        `const dir = ${JSON.stringify(dir)};\n${main}`,
    );
    return spawnSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 60_000, env: userEnv() });
  };

  it('a non-daemon thread keeps the process alive until it finishes', () => {
    const r = runChild(`new Thread({ target: dir + '/late.mjs' }).start();\nconsole.log('main done');\n`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main done\nthread finished\n');
  });

  it('a daemon thread does not: the process exits without waiting for it', () => {
    const r = runChild(
      `new Thread({ target: dir + '/endless.mjs', daemon: true }).start();\nconsole.log('main done');\n`,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main done\n');
  });

  it('the default excepthook prints "Exception in thread <name>:" and the stack; the process goes on', () => {
    const r = runChild(
      `const t = new Thread({ target: dir + '/boom.mjs#boom' });\nt.start();\n` +
        `console.log(await t.join());\nconsole.log('still here');\n`,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('true\nstill here\n');
    expect(r.stderr).toMatch(
      /^Exception in thread Thread-1:\nTypeError: boom from a thread\n\s+at boom \(file:\/\/.*boom\.mjs:1:/,
    );
  });

  it('pending executor tasks finish before the process exits, without a shutdown call', () => {
    const r = runChild(
      `const pool = new ThreadPoolExecutor({ maxWorkers: 1 });\n` +
        `pool.submit(dir + '/late.mjs');\npool.submit(dir + '/late.mjs');\nconsole.log('main done');\n`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('main done\nthread finished\nthread finished\n');
  });
});
