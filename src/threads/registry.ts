/**
 * The thread registry: which threads are alive, so that `enumerate()`, `activeCount()` and
 * `currentThread()` give the same answer in every thread (Python's `threading._active`).
 *
 * It lives in shared memory, created by the main thread on first use and handed to every Thread's
 * worker through its workerData. A worker started with a raw `new Worker` is not in it.
 *
 * Words: 0 tag  1 name counter (Thread-N)  then a Lock, then MAX_THREADS entries of
 *   ident + 1 (0 = free) | daemon | name length | name (UTF-8, NAME_BYTES)
 */
import { isMainThread, threadId, workerData } from 'node:worker_threads';
import { ATTACH, type Attach, checkHandle, SharedObject, type SharedHandle } from '../sync/shared-object.js';
import { Lock } from '../sync/lock.js';

export const MAX_THREADS = 256;
const NAME_BYTES = 64;
const ENTRY_WORDS = 3 + NAME_BYTES / 4;
const COUNTER = 1;
const LOCK_AT = 8;
const ENTRIES_AT = LOCK_AT + Lock.BYTES;
const BYTES = ENTRIES_AT + MAX_THREADS * ENTRY_WORDS * 4;

export interface ThreadRecord {
  ident: number;
  name: string;
  daemon: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ThreadRegistry extends SharedObject<'Block'> {
  private readonly lock: Lock;

  constructor(options?: Attach) {
    super('Block', BYTES, options);
    const at = { buffer: this.buffer, byteOffset: this.byteOffset + LOCK_AT };
    this.lock = options ? Lock.from({ kind: 'Lock', ...at }) : new Lock({ memory: at });
  }

  static from(handle: SharedHandle<'Block'>): ThreadRegistry {
    checkHandle(handle, 'Block');
    return new ThreadRegistry({ [ATTACH]: handle });
  }

  /** The next default thread name, "Thread-N", unique across every thread of the process. */
  nextName(): string {
    return `Thread-${Atomics.add(this.i32, COUNTER, 1) + 1}`;
  }

  add(record: ThreadRecord): void {
    using _ = this.lock.hold();
    const at = this.find(0);
    if (at < 0) throw new Error(`too many live threads: the registry holds ${MAX_THREADS}`);
    const w = this.i32;
    const name = encoder.encode(record.name).subarray(0, NAME_BYTES);
    new Uint8Array(this.buffer, this.byteOffset + (at + 3) * 4, NAME_BYTES).set(name);
    w[at + 1] = record.daemon ? 1 : 0;
    w[at + 2] = name.byteLength;
    w[at] = record.ident + 1;
  }

  remove(ident: number): void {
    using _ = this.lock.hold();
    const at = this.find(ident + 1);
    if (at >= 0) this.i32[at] = 0;
  }

  /** Every registered (alive) thread. */
  list(): ThreadRecord[] {
    using _ = this.lock.hold();
    const records: ThreadRecord[] = [];
    const w = this.i32;
    for (let i = 0; i < MAX_THREADS; i++) {
      const at = this.entry(i);
      if (w[at] === 0) continue;
      const name = decoder.decode(new Uint8Array(this.buffer, this.byteOffset + (at + 3) * 4, w[at + 2]!).slice());
      records.push({ ident: w[at]! - 1, daemon: w[at + 1] === 1, name });
    }
    return records;
  }

  private entry(i: number): number {
    return ENTRIES_AT / 4 + i * ENTRY_WORDS;
  }

  private find(word: number): number {
    for (let i = 0; i < MAX_THREADS; i++) if (this.i32[this.entry(i)] === word) return this.entry(i);
    return -1;
  }
}

let registry: ThreadRegistry | undefined;

/** This process's registry: created by the main thread, inherited by Thread workers. */
export function threadRegistry(): ThreadRegistry {
  if (!registry) {
    const inherited = !isMainThread && (workerData as { __threadRegistry?: SharedHandle<'Block'> } | null)?.__threadRegistry;
    registry = inherited ? ThreadRegistry.from(inherited) : new ThreadRegistry();
  }
  return registry;
}

/** What this thread was told about itself when started by a Thread (undefined on main). */
export function ownRecord(): ThreadRecord | undefined {
  const self = !isMainThread && (workerData as { __thread?: ThreadRecord } | null)?.__thread;
  return self ? { ...self, ident: threadId } : undefined;
}
