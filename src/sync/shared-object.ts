/**
 * The base of every primitive that lives in shared memory.
 *
 * A primitive is a run of Int32 words inside a `SharedArrayBuffer`. Word 0 holds a tag naming the
 * kind, so a handle of the wrong kind (or to memory nobody initialised) is refused at once instead
 * of corrupting some other object. The `handle` is structured-cloneable: post it to a worker and
 * rebuild the same object there with `Kind.from(handle)` or the generic `revive(handle)`.
 *
 * Composite objects (a Condition's Lock, the queue's Lock and Conditions, a Barrier's parts) place
 * their parts inside their own buffer with the `memory` option, so one buffer travels as one unit.
 */
import { InvalidHandleError } from './errors.js';

/** Where an object lives: a buffer and a byte offset (a multiple of 8) into it. */
export interface SharedRegion {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

/** The structured-cloneable description of a shared object. */
export interface SharedHandle<K extends string = string> extends SharedRegion {
  readonly kind: K;
}

/** Options every primitive's constructor accepts. */
export interface PlacementOptions {
  /** Initialise the object inside this region instead of a new buffer of its own. */
  memory?: SharedRegion;
}

/** Passed by `from()` to attach to an existing object instead of initialising a new one. */
export const ATTACH: unique symbol = Symbol('pipeline-tui.attach');
export type Attach = { readonly [ATTACH]: SharedHandle };

/** Tags are ASCII four-character codes, readable in a hex dump. */
const TAGS = {
  Lock: 0x4b434f4c, // 'LOCK'
  RLock: 0x4b434c52, // 'RLCK'
  Semaphore: 0x504d4553, // 'SEMP'
  BoundedSemaphore: 0x504d5342, // 'BSMP'
  Condition: 0x444e4f43, // 'COND'
  Event: 0x544e5645, // 'EVNT'
  Barrier: 0x52524142, // 'BARR'
  BoundedQueue: 0x45554551, // 'QEUE'
  PipelineBoard: 0x44524250, // 'PBRD' — a run's counters and worker states (pipeline/metrics.ts)
  ThreadRegistry: 0x47455254, // 'TREG' — the threads every worker sees (threads/registry.ts)
} as const;
export type SharedKind = keyof typeof TAGS;

/** Rounds a byte count up to the 8-byte alignment every region uses. */
export const align8 = (bytes: number): number => (bytes + 7) & ~7;

export function isAttach(x: unknown): x is Attach {
  return typeof x === 'object' && x !== null && ATTACH in x;
}

export abstract class SharedObject<K extends SharedKind = SharedKind> {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  /** The object's words; word 0 is the kind tag. */
  protected readonly i32: Int32Array;

  protected constructor(
    readonly kind: K,
    byteLength: number,
    placement: PlacementOptions | Attach | undefined,
  ) {
    const region = isAttach(placement) ? placement[ATTACH] : placement?.memory;
    const buffer = region?.buffer ?? new SharedArrayBuffer(byteLength);
    const byteOffset = region?.byteOffset ?? 0;
    checkRegion(kind, buffer, byteOffset, byteLength);
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.i32 = new Int32Array(buffer, byteOffset, byteLength >> 2);
    if (isAttach(placement)) {
      const found = Atomics.load(this.i32, 0);
      if (found !== TAGS[kind])
        throw new InvalidHandleError(`not a ${kind} handle: the memory holds ${describeTag(found)}`);
    } else {
      // Placed memory may hold anything (an old object, a test's canary): start from zeros, as a
      // new buffer does, or a leftover word could read as a held lock. Nobody else uses it yet.
      if (region) this.i32.fill(0);
      Atomics.store(this.i32, 0, TAGS[kind]);
    }
  }

  /** A structured-cloneable description; `Kind.from(handle)` rebuilds this object in any worker. */
  get handle(): SharedHandle<K> {
    return { kind: this.kind, buffer: this.buffer, byteOffset: this.byteOffset };
  }
}

/** Checks a handle's shape before attaching, with a message that says what is wrong. */
export function checkHandle<K extends SharedKind>(handle: unknown, kind: K): asserts handle is SharedHandle<K> {
  const h = handle as Partial<SharedHandle> | null;
  if (
    typeof h !== 'object' ||
    h === null ||
    !(h.buffer instanceof SharedArrayBuffer) ||
    typeof h.byteOffset !== 'number'
  ) {
    throw new InvalidHandleError(
      `expected a ${kind} handle ({ kind, buffer: SharedArrayBuffer, byteOffset }), got ${String(handle)}`,
    );
  }
  if (h.kind !== kind) throw new InvalidHandleError(`expected a ${kind} handle, got a ${String(h.kind)} handle`);
}

function checkRegion(kind: string, buffer: SharedArrayBuffer, byteOffset: number, byteLength: number): void {
  if (!(buffer instanceof SharedArrayBuffer))
    throw new InvalidHandleError(`${kind} memory must be a SharedArrayBuffer`);
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 8 !== 0) {
    throw new InvalidHandleError(`${kind} byteOffset must be a non-negative multiple of 8, got ${byteOffset}`);
  }
  if (byteOffset + byteLength > buffer.byteLength) {
    throw new InvalidHandleError(
      `${kind} needs ${byteLength} bytes at offset ${byteOffset}, but the buffer has only ${buffer.byteLength}`,
    );
  }
}

function describeTag(tag: number): string {
  const kind = (Object.keys(TAGS) as SharedKind[]).find((k) => TAGS[k] === tag);
  return kind
    ? `a ${kind}`
    : tag === 0
      ? 'nothing (uninitialised memory)'
      : `unknown tag 0x${(tag >>> 0).toString(16)}`;
}
