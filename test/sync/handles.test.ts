/**
 * Handles: every shared object travels to a worker as a structured-cloneable handle and is rebuilt
 * there by `X.from(handle)` or `revive(handle)`; anything that does not describe a live object of
 * that kind is refused with InvalidHandleError instead of corrupting memory.
 */
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  InvalidHandleError,
  isHandle,
  Lock,
  RLock,
  revive,
  Semaphore,
  type SharedHandle,
} from '../../src/index.js';
import { runFixture } from '../helpers/workers.js';

type Kind = 'Lock' | 'RLock' | 'Semaphore' | 'BoundedSemaphore' | 'Condition' | 'Event' | 'Barrier';
interface Shared {
  readonly handle: SharedHandle;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

const KINDS: Record<
  Kind,
  {
    make: (memory?: { buffer: SharedArrayBuffer; byteOffset: number }) => Shared;
    from: (h: never) => Shared;
    type: abstract new (...args: never[]) => unknown;
    bytes: number;
  }
> = {
  Lock: { make: (memory) => new Lock({ memory }), from: Lock.from, type: Lock, bytes: Lock.BYTES },
  RLock: { make: (memory) => new RLock({ memory }), from: RLock.from, type: RLock, bytes: RLock.BYTES },
  Semaphore: {
    make: (memory) => new Semaphore(2, { memory }),
    from: Semaphore.from,
    type: Semaphore,
    bytes: Semaphore.BYTES,
  },
  BoundedSemaphore: {
    make: (memory) => new BoundedSemaphore(2, { memory }),
    from: BoundedSemaphore.from,
    type: BoundedSemaphore,
    bytes: Semaphore.BYTES,
  },
  Condition: {
    make: (memory) => new Condition(undefined, { memory }),
    from: Condition.from,
    type: Condition,
    bytes: Condition.BYTES_WITH_LOCK,
  },
  Event: { make: (memory) => new Event({ memory }), from: Event.from, type: Event, bytes: Event.BYTES },
  Barrier: { make: (memory) => new Barrier(2, { memory }), from: Barrier.from, type: Barrier, bytes: Barrier.BYTES },
};
const NAMES = Object.keys(KINDS) as Kind[];

/** A handle to `kind` over fresh memory that nobody initialised. */
function blankHandle(kind: Kind, buffer = new SharedArrayBuffer(512), byteOffset = 0): SharedHandle {
  return kind === 'Condition'
    ? ({
        kind,
        buffer,
        byteOffset,
        lock: { kind: 'RLock', buffer, byteOffset: byteOffset + Condition.BYTES },
      } as SharedHandle)
    : { kind, buffer, byteOffset };
}

describe('handles', () => {
  for (const kind of NAMES) {
    const { make, from, type } = KINDS[kind];

    it(
      `${kind}: the handle survives structuredClone; ` +
        `${kind}.from() and revive() rebuild a ${kind} over the same memory`,
      () => {
        const original = make();
        const copy = structuredClone(original.handle);
        expect(copy.kind).toBe(kind);
        expect(isHandle(copy)).toBe(true);
        for (const rebuilt of [from(copy as never), revive(copy) as Shared]) {
          expect(rebuilt).toBeInstanceOf(type);
          expect(rebuilt.constructor.name).toBe(kind);
          expect(rebuilt.byteOffset).toBe(original.byteOffset);
          expect(rebuilt.buffer.byteLength).toBe(original.buffer.byteLength);
          expect(structuredClone(rebuilt.handle)).toEqual(copy);
        }
      },
    );

    it(`${kind}.from() refuses a handle of every other kind, and one that lies about its kind`, () => {
      for (const other of NAMES.filter((k) => k !== kind)) {
        const handle = KINDS[other].make().handle;
        expect(() => from(handle as never), `${kind}.from(${other} handle)`).toThrow(InvalidHandleError);
        expect(() => from({ ...handle, kind } as never), `${kind}.from(${other} memory labelled ${kind})`).toThrow(
          InvalidHandleError,
        );
        expect(() => revive({ ...handle, kind } as never), `revive(${other} memory labelled ${kind})`).toThrow(
          InvalidHandleError,
        );
      }
    });

    it(`${kind}: a handle to uninitialised memory is refused`, () => {
      expect(() => from(blankHandle(kind) as never)).toThrow(InvalidHandleError);
      expect(() => from(blankHandle(kind) as never)).toThrow(/uninitialised/);
      expect(() => revive(blankHandle(kind))).toThrow(/uninitialised/);
    });

    it(`${kind}: a misaligned offset, a too-small buffer and a non-shared buffer are refused`, () => {
      const live = make({ buffer: new SharedArrayBuffer(1024), byteOffset: 64 });
      expect(revive(live.handle)).toBeInstanceOf(type); // placed inside a larger buffer: fine
      for (const byteOffset of [4, 60, 1.5, -8]) {
        expect(() => from({ ...live.handle, byteOffset } as never), `byteOffset ${byteOffset}`).toThrow(
          /multiple of 8/,
        );
      }
      const short = new SharedArrayBuffer(8);
      expect(() => from(blankHandle(kind, short) as never)).toThrow(/needs \d+ bytes/);
      expect(() => from(blankHandle(kind, new SharedArrayBuffer(1024), 1024) as never)).toThrow(/needs \d+ bytes/);
      expect(() => from({ ...live.handle, buffer: new ArrayBuffer(1024) } as never)).toThrow(InvalidHandleError);
      expect(() => make({ buffer: new SharedArrayBuffer(8), byteOffset: 0 })).toThrow(InvalidHandleError);
      expect(() => make({ buffer: new SharedArrayBuffer(1024), byteOffset: 12 })).toThrow(/multiple of 8/);
    });
  }

  it('refuses things that are not handles at all', () => {
    for (const bad of [
      undefined,
      null,
      42,
      'Lock',
      {},
      { kind: 'Lock' },
      { kind: 'Lock', buffer: new SharedArrayBuffer(64) },
    ]) {
      expect(() => revive(bad as never), JSON.stringify(bad)).toThrow(InvalidHandleError);
      expect(() => Lock.from(bad as never), JSON.stringify(bad)).toThrow(InvalidHandleError);
      expect(isHandle(bad)).toBe(false);
    }
    expect(() => revive({ kind: 'Nope', buffer: new SharedArrayBuffer(64), byteOffset: 0 })).toThrow(
      /unknown kind "Nope"/,
    );
    expect(() => Condition.from({ kind: 'Condition', buffer: new Condition().buffer, byteOffset: 0 } as never)).toThrow(
      InvalidHandleError,
    ); // no lock
  });

  it('objects placed side by side in one buffer do not disturb each other', () => {
    const buffer = new SharedArrayBuffer(Lock.BYTES + Event.BYTES + Semaphore.BYTES);
    const lock = new Lock({ memory: { buffer, byteOffset: 0 } });
    const event = new Event({ memory: { buffer, byteOffset: Lock.BYTES } });
    const sem = new Semaphore(3, { memory: { buffer, byteOffset: Lock.BYTES + Event.BYTES } });
    lock.acquire();
    event.set();
    expect(sem.acquire({ blocking: false })).toBe(true);
    expect(Lock.from(lock.handle).locked()).toBe(true);
    expect(Event.from(event.handle).isSet()).toBe(true);
    expect(Semaphore.from(sem.handle).value).toBe(2);
    lock.release();
    expect(Event.from(event.handle).isSet()).toBe(true);
  });

  it('a worker rebuilds every kind with revive() and X.from(), and sees the state the main thread set', async () => {
    const lock = new Lock();
    lock.acquire();
    const rlock = new RLock();
    const sem = new Semaphore(3);
    const bsem = new BoundedSemaphore(2);
    bsem.acquire();
    const cond = new Condition(new Lock());
    cond.acquire();
    const event = new Event();
    event.set();
    const barrier = new Barrier(4);
    const objects = [lock, rlock, sem, bsem, cond, event, barrier];
    const report = await runFixture<
      Array<{ kind: string; revived: string; from: string; state: unknown; fromState: unknown }>
    >('sync-revive-probe', {
      handles: objects.map((o) => o.handle),
    });
    expect(report.map((r) => [r.kind, r.revived, r.from])).toEqual(
      objects.map((o) => [o.constructor.name, o.constructor.name, o.constructor.name]),
    );
    expect(report.map((r) => r.state)).toEqual([
      { locked: true },
      { locked: false },
      { value: 3 },
      { value: 1 },
      { lock: 'Lock', locked: true },
      { set: true },
      { parties: 4 },
    ]);
    expect(report.map((r) => r.fromState)).toEqual(report.map((r) => r.state));
    lock.release();
    cond.release();
  });
});
