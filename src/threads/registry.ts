/**
 * The thread registry: which threads are alive, so that `enumerate()`, `activeCount()` and
 * `currentThread()` give the same answer in every thread (Python's `threading._active`).
 *
 * It lives in shared memory, created by the main thread on first use and handed to every worker
 * this package starts (spawn.ts puts its handle in the workerData), so a Thread started from
 * inside another Thread, or from a pipeline worker, lands in the same table. A worker started
 * with a raw `new Worker` does not inherit it: Threads it starts go into a registry of its own.
 *
 * Words:  0 tag   1 name counter (Thread-N)   then a Lock (guards the entries), then MAX_THREADS
 *         entries of ENTRY_WORDS words each:
 *           0 ident + 1 (0 = free)   1 creator's ident + 1   2 daemon (0/1)   3 name length
 *           4.. the name, UTF-8, cut at NAME_BYTES on a character boundary
 *
 * An entry is added by the creating thread right after it starts the worker, and removed when the
 * creator sees the worker exit. A worker's own workers end with it (Node terminates them), so
 * removing an entry also removes every entry it created, recursively; and a worker that started
 * threads removes its children's entries as it exits (see `forgetChildrenAtExit`), since it will
 * not be there to see them end.
 */
import { isMainThread, threadId, workerData } from 'node:worker_threads';
import { Lock } from '../sync/lock.js';
import { ATTACH, type Attach, checkHandle, type SharedHandle, SharedObject } from '../sync/shared-object.js';

/** Live threads the registry can hold at once (besides the main thread). */
export const MAX_THREADS = 256;
/** Bytes of a name the registry keeps; longer names are cut (the Thread object keeps it whole). */
export const NAME_BYTES = 64;

const COUNTER = 1;
const LOCK_AT = 8;
const ENTRIES_AT = LOCK_AT + Lock.BYTES;
const IDENT = 0;
const PARENT = 1;
const DAEMON = 2;
const NAME_LENGTH = 3;
const NAME = 4;
const ENTRY_WORDS = NAME + NAME_BYTES / 4;
const BYTES = ENTRIES_AT + MAX_THREADS * ENTRY_WORDS * 4;

/** What the registry knows of one live thread. */
export interface ThreadRecord {
  ident: number;
  name: string;
  daemon: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ThreadRegistry extends SharedObject<'ThreadRegistry'> {
  private readonly lock: Lock;

  constructor(options?: Attach) {
    super('ThreadRegistry', BYTES, options);
    const at = { buffer: this.buffer, byteOffset: this.byteOffset + LOCK_AT };
    this.lock = options ? Lock.from({ kind: 'Lock', ...at }) : new Lock({ memory: at });
  }

  static from(handle: SharedHandle<'ThreadRegistry'>): ThreadRegistry {
    checkHandle(handle, 'ThreadRegistry');
    return new ThreadRegistry({ [ATTACH]: handle });
  }

  /** The next default thread name, "Thread-N", unique across every thread of the process. */
  nextName(): string {
    return `Thread-${Atomics.add(this.i32, COUNTER, 1) + 1}`;
  }

  /**
   * Records a live thread started by `parent` (a threadId).
   * @throws Error if MAX_THREADS threads are registered already.
   */
  add(record: ThreadRecord, parent: number): void {
    using _ = this.lock.hold();
    const at = this.find(IDENT, 0);
    if (at < 0) throw new Error(`too many live threads: the thread registry holds ${MAX_THREADS}`);
    const w = this.i32;
    // encodeInto stops before a character that does not fit, so a cut name is still valid UTF-8.
    const { written } = encoder.encodeInto(
      record.name,
      new Uint8Array(this.buffer, this.byteOffset + (at + NAME) * 4, NAME_BYTES),
    );
    w[at + PARENT] = parent + 1;
    w[at + DAEMON] = record.daemon ? 1 : 0;
    w[at + NAME_LENGTH] = written;
    w[at + IDENT] = record.ident + 1;
  }

  /** Forgets the thread `ident` and every thread it started (they ended with its worker). */
  remove(ident: number): void {
    using _ = this.lock.hold();
    const at = this.find(IDENT, ident + 1);
    if (at >= 0) this.i32[at + IDENT] = 0;
    this.removeDescendants(ident);
  }

  /** Forgets every thread that `ident` started, and theirs, but not `ident` itself. */
  removeChildrenOf(ident: number): void {
    using _ = this.lock.hold();
    this.removeDescendants(ident);
  }

  /** Every registered (alive) thread, in slot order. */
  list(): ThreadRecord[] {
    using _ = this.lock.hold();
    const records: ThreadRecord[] = [];
    const w = this.i32;
    for (let i = 0; i < MAX_THREADS; i++) {
      const at = this.entry(i);
      if (w[at + IDENT] === 0) continue;
      const bytes = new Uint8Array(this.buffer, this.byteOffset + (at + NAME) * 4, w[at + NAME_LENGTH]!).slice();
      records.push({ ident: w[at + IDENT]! - 1, daemon: w[at + DAEMON] === 1, name: decoder.decode(bytes) });
    }
    return records;
  }

  // --- private: called with the lock held --------------------------------------------------

  private removeDescendants(ident: number): void {
    const w = this.i32;
    const gone = [ident + 1];
    while (gone.length > 0) {
      const parent = gone.pop()!;
      for (let i = 0; i < MAX_THREADS; i++) {
        const at = this.entry(i);
        if (w[at + IDENT] !== 0 && w[at + PARENT] === parent) {
          gone.push(w[at + IDENT]!);
          w[at + IDENT] = 0;
        }
      }
    }
  }

  private entry(i: number): number {
    return ENTRIES_AT / 4 + i * ENTRY_WORDS;
  }

  private find(word: number, value: number): number {
    for (let i = 0; i < MAX_THREADS; i++) if (this.i32[this.entry(i) + word] === value) return this.entry(i);
    return -1;
  }
}

let registry: ThreadRegistry | undefined;

/** The workerData key under which every worker we start receives the registry's handle. */
export const REGISTRY_KEY = '__threadRegistry';

/** This process's registry: created by the main thread, inherited by the workers we start. */
export function threadRegistry(): ThreadRegistry {
  if (!registry) {
    const inherited =
      !isMainThread &&
      (workerData as Record<string, SharedHandle<'ThreadRegistry'> | undefined> | null)?.[REGISTRY_KEY];
    registry = inherited ? ThreadRegistry.from(inherited) : new ThreadRegistry();
  }
  return registry;
}

/** What this thread was told about itself when started by a Thread (undefined otherwise). */
export function ownRecord(): ThreadRecord | undefined {
  const self = !isMainThread && (workerData as { __thread?: ThreadRecord } | null)?.__thread;
  return self ? { ...self, ident: threadId } : undefined;
}

let forgetting = false;

/**
 * In a worker that starts threads: when this worker exits, its threads end with it, and nobody
 * else will see them go — so forget them here. (The main thread's exit ends the process.)
 */
export function forgetChildrenAtExit(): void {
  if (isMainThread || forgetting) return;
  forgetting = true;
  process.once('exit', () => threadRegistry().removeChildrenOf(threadId));
}
