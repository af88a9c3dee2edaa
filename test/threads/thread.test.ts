import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { activeCount, currentThread, enumerate, Lock, mainThread, setExcepthook, Thread, ThreadStateError, Timer, type ExceptHookArgs } from '../../src/index.js';
import { within } from '../helpers/workers.js';
import { sleep } from '../helpers/poll.js';

const TASKS = fileURLToPath(new URL('../fixtures/thread-tasks.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const task = (name: string): string => `${TASKS}#${name}`;

afterEach(() => setExcepthook(undefined));

describe('Thread', () => {
  it('starts, runs the target with its arguments, and joins; name, ident, isAlive', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const t = new Thread({ target: task('waitForFlag'), args: [flag] });
    expect(t.name).toMatch(/^Thread-\d+$/);
    expect(t.ident).toBeUndefined();
    expect(t.isAlive()).toBe(false);
    t.start();
    expect(t.ident).toBeGreaterThan(0);
    expect(t.isAlive()).toBe(true);
    expect(await t.join(100)).toBe(false); // still waiting for the flag
    expect(t.isAlive()).toBe(true);
    Atomics.store(flag, 0, 1);
    expect(await within(t.join(), 30_000, 'join')).toBe(true);
    expect(t.isAlive()).toBe(false);
  });

  it('a Lock passed as an argument synchronises several threads (exact count)', async () => {
    const lock = new Lock();
    const shared = new Int32Array(new SharedArrayBuffer(4));
    const threads = Array.from({ length: 4 }, (_, i) => new Thread({ target: task('lockedIncrements'), args: [lock, shared, 5000], name: `adder-${i}` }));
    threads.forEach((t) => t.start());
    await within(Promise.all(threads.map((t) => t.join())), 60_000, 'joins');
    expect(shared[0]).toBe(20_000);
  });

  it('refuses to start twice or join before start', async () => {
    const t = new Thread({ target: task('sleep'), args: [1] });
    await expect(t.join()).rejects.toThrow(ThreadStateError);
    t.start();
    expect(() => t.start()).toThrow(/threads can only be started once/);
    await within(t.join(), 30_000, 'join');
  });

  it('the args pitfall: a bare value instead of an array gets an error showing the fix', () => {
    expect(() => new Thread({ target: task('sleep'), args: 'hello' as never })).toThrow("args must be an array of arguments; got a string — did you mean args: [\"hello\"]?");
    expect(() => new Thread({ target: task('sleep'), args: 5 as never })).toThrow(/did you mean args: \[5\]/);
  });

  it('an uncaught error goes to the excepthook; join still returns', async () => {
    const seen: ExceptHookArgs[] = [];
    setExcepthook((args) => seen.push(args));
    const t = new Thread({ target: task('boom'), name: 'exploder' });
    t.start();
    expect(await within(t.join(), 30_000, 'join')).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.thread).toBe(t);
    expect((seen[0]!.error as Error).message).toBe('boom from a thread');
  });

  it('a target that does not exist is reported, not fatal', async () => {
    const seen: unknown[] = [];
    setExcepthook(({ error }) => seen.push(error));
    const t = new Thread({ target: task('noSuchExport') });
    t.start();
    await within(t.join(), 30_000, 'join');
    expect(String((seen[0] as Error).message)).toMatch(/has no exported function "noSuchExport"/);
  });

  it('runs the default export when no name is given', async () => {
    const t = new Thread({ target: TASKS, args: [1] });
    t.start();
    expect(await within(t.join(), 30_000, 'join')).toBe(true);
  });
});

describe('activeCount, currentThread, mainThread, enumerate', () => {
  it('from the main thread', async () => {
    expect(currentThread()).toBe(mainThread());
    expect(mainThread().name).toBe('MainThread');
    const before = activeCount();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const t = new Thread({ target: task('waitForFlag'), args: [flag], name: 'sleeper' });
    t.start();
    expect(activeCount()).toBe(before + 1);
    expect(enumerate()).toContain(t);
    Atomics.store(flag, 0, 1);
    await within(t.join(), 30_000, 'join');
    expect(activeCount()).toBe(before);
  });

  it('from inside a thread: it sees itself, the main thread and its siblings', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const sibling = new Thread({ target: task('waitForFlag'), args: [flag], name: 'sibling' });
    sibling.start();
    const out = new Int32Array(new SharedArrayBuffer(4096));
    const t = new Thread({ target: task('introspect'), args: [out], name: 'looker', daemon: true });
    t.start();
    await within(t.join(), 30_000, 'join');
    Atomics.store(flag, 0, 1);
    await within(sibling.join(), 30_000, 'sibling');
    const seen = JSON.parse(new TextDecoder().decode(new Uint8Array(out.buffer).slice(4, 4 + out[0]!))) as { name: string; ident: number; threadId: number; daemon: boolean; active: number; names: string[] };
    expect(seen.name).toBe('looker');
    expect(seen.ident).toBe(seen.threadId);
    expect(seen.daemon).toBe(true);
    expect(seen.names).toEqual(expect.arrayContaining(['MainThread', 'sibling', 'looker']));
    expect(seen.active).toBe(seen.names.length);
  });
});

describe('daemon and non-daemon threads at process exit (a real child process)', () => {
  const run = (daemon: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-daemon-'));
    const target = join(dir, 'late.mjs');
    writeFileSync(target, `export default function late() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); console.log('thread finished'); }\n`);
    const script = join(dir, 'main.mjs');
    writeFileSync(script, `import { Thread } from ${JSON.stringify(DIST)};\nnew Thread({ target: ${JSON.stringify(target)}, daemon: ${daemon} }).start();\nconsole.log('main done');\n`);
    return spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
  };

  it('a non-daemon thread keeps the process alive until it finishes', () => {
    const r = run(false);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main done\nthread finished\n');
  });

  it('a daemon thread does not: the process exits without waiting for it', () => {
    const r = run(true);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main done\n');
  });

  it('the default excepthook prints "Exception in thread <name>:" and the stack; the process goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-hook-'));
    const script = join(dir, 'main.mjs');
    writeFileSync(script, `import { Thread } from ${JSON.stringify(DIST)};\nconst t = new Thread({ target: ${JSON.stringify(task('boom'))} });\nt.start();\nawait t.join();\nconsole.log('still here');\n`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('still here\n');
    expect(r.stderr).toMatch(/^Exception in thread Thread-\d+:\nTypeError: boom from a thread\n\s+at boom/);
  });
});

describe('Timer', () => {
  it('calls the function after the interval, with its arguments', async () => {
    const calls: unknown[][] = [];
    const t = new Timer(30, (...args: unknown[]) => void calls.push(args), ['a', 1]);
    t.start();
    expect(t.isAlive()).toBe(true);
    expect(await within(t.join(), 30_000, 'timer')).toBe(true);
    expect(calls).toEqual([['a', 1]]);
    expect(t.isAlive()).toBe(false);
  });

  it('cancel before it fires means it never runs', async () => {
    let ran = false;
    const t = new Timer(50, () => (ran = true));
    t.start();
    t.cancel();
    expect(t.cancelled).toBe(true);
    await sleep(120);
    expect(ran).toBe(false);
    expect(await t.join()).toBe(true);
  });

  it('refuses a second start and bad arguments', () => {
    const t = new Timer(10, () => {});
    t.start();
    expect(() => t.start()).toThrow(ThreadStateError);
    t.cancel();
    expect(() => new Timer(-1, () => {})).toThrow(RangeError);
    expect(() => new Timer(1, () => {}, 'x' as never)).toThrow(/did you mean args/);
  });
});
