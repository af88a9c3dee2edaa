import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Barrier, BoundedQueue, BoundedSemaphore, Condition, Event, InvalidHandleError, Lock, RLock, Semaphore, revive } from '../../src/index.js';

describe('handles', () => {
  const objects = {
    Lock: () => new Lock(),
    RLock: () => new RLock(),
    Semaphore: () => new Semaphore(2),
    BoundedSemaphore: () => new BoundedSemaphore(2),
    Condition: () => new Condition(),
    Event: () => new Event(),
    Barrier: () => new Barrier(2),
    BoundedQueue: () => new BoundedQueue({ capacity: 2 }),
  };

  for (const [kind, make] of Object.entries(objects)) {
    it(`${kind}: the handle is structured-cloneable and revive() rebuilds the same kind`, () => {
      const original = make();
      const copy = structuredClone(original.handle);
      expect(copy.kind).toBe(kind);
      const revived = revive(copy) as { constructor: { name: string }; buffer: SharedArrayBuffer; byteOffset: number };
      expect(revived.constructor.name).toBe(kind);
      // A clone of a SharedArrayBuffer is a new object over the same memory: writes show through.
      const a = new Int32Array(original.buffer);
      const b = new Int32Array(revived.buffer);
      a[a.length - 1] = 0x5eed;
      expect(b[b.length - 1]).toBe(0x5eed);
    });
  }

  it('X.from refuses a handle of another kind', () => {
    expect(() => Lock.from(new Event().handle as never)).toThrow(InvalidHandleError);
    expect(() => Semaphore.from(new Lock().handle as never)).toThrow(/expected a Semaphore handle, got a Lock handle/);
  });

  it('refuses a handle that lies about its kind (the memory holds another)', () => {
    const barrier = new Barrier(2);
    expect(() => Lock.from({ ...barrier.handle, kind: 'Lock' })).toThrow(/not a Lock handle: the memory holds a Barrier/);
  });

  it('refuses uninitialised memory, a bad offset and a short buffer', () => {
    const buffer = new SharedArrayBuffer(64);
    expect(() => Lock.from({ kind: 'Lock', buffer, byteOffset: 0 })).toThrow(/uninitialised/);
    expect(() => Lock.from({ kind: 'Lock', buffer, byteOffset: 4 })).toThrow(/multiple of 8/);
    expect(() => Lock.from({ kind: 'Lock', buffer: new SharedArrayBuffer(8), byteOffset: 0 })).toThrow(/needs 24 bytes/);
    expect(() => revive({ kind: 'Nope', buffer, byteOffset: 0 })).toThrow(/unknown kind "Nope"/);
    expect(() => revive(42 as never)).toThrow(InvalidHandleError);
  });

  it('objects can be placed inside a larger buffer', () => {
    const buffer = new SharedArrayBuffer(256);
    const lock = new Lock({ memory: { buffer, byteOffset: 64 } });
    lock.acquire();
    expect(Lock.from(lock.handle).locked()).toBe(true);
    lock.release();
  });
});

describe('async forms keep a lone await alive (Node 20 Atomics.waitAsync pitfall)', () => {
  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'ignore' });
  }, 120_000);

  const cases: Array<[string, string, string]> = [
    ['Lock.acquireAsync', `const l = new m.Lock(); l.acquire(); console.log(await l.acquireAsync({ timeout: 200 }));`, 'false'],
    ['Semaphore.acquireAsync', `console.log(await new m.Semaphore(0).acquireAsync({ timeout: 200 }));`, 'false'],
    ['Event.waitAsync', `console.log(await new m.Event().waitAsync(200));`, 'false'],
    ['Condition.waitAsync', `const c = new m.Condition(); await c.acquireAsync(); console.log(await c.waitAsync(200));`, 'false'],
    ['BoundedQueue.getAsync', `try { await new m.BoundedQueue({ capacity: 1 }).getAsync({ timeout: 200 }); } catch (e) { console.log(e.name); }`, 'QueueEmpty'],
  ];
  for (const [name, body, expected] of cases) {
    it(`${name}: resolves after its timeout instead of exiting with code 13`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'pt-lone-await-'));
      const script = join(dir, 'lone.mjs');
      writeFileSync(script, `import * as m from ${JSON.stringify(dist)};\n${body}\n`);
      const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(expected);
    });
  }
});
