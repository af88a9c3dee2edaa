/**
 * The pipeline's shared-memory board: what workers publish and what the main thread steers with.
 * No lock anywhere: every word has one writer.
 *
 *   control (Int32, written by the main thread, except `remaining`):
 *     0 tag  1 version (futex word: bumped on every control change)  2 paused  3 stop
 *     4 remaining item budget (producers claim items with Atomics.sub)  5 budget is limited (0/1)
 *   per worker slot s (producers 0..63, consumers 64..127):
 *     Int32  state, retire (main asks this one worker to leave)
 *     Float64 items, blockedMs (finished blocks), blockedSince (epoch ms, 0 = not blocked)
 *   Float64 fields are written only by their worker and read racily by the sampler: a reader
 *   sees either the old or the new value of an aligned 8-byte store, which is all a display needs.
 */
import { ATTACH, type Attach, checkHandle, type SharedHandle, SharedObject } from '../sync/shared-object.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';
import type { WorkerRole, WorkerState } from './types.js';

export const WORKER_STATES: readonly WorkerState[] = [
  'starting',
  'producing',
  'consuming',
  'blocked-full',
  'blocked-empty',
  'paused',
  'done',
  'failed',
];
const STATE_CODE = new Map(WORKER_STATES.map((s, i) => [s, i]));

const VERSION = 1;
const PAUSED = 2;
const STOP = 3;
const REMAINING = 4;
const LIMITED = 5;
const CONTROL_WORDS = 8;

const SLOTS = 2 * MAX_WORKERS_PER_ROLE;
// Each worker's words fill whole 64-byte cache lines: workers bump their counters on every item,
// and neighbours sharing a line would slow each other down (false sharing).
const SLOT_INTS = 16; // state, retire, padding
const SLOT_FLOATS = 8; // items, blockedMs, blockedSince, padding
const INTS_BYTES = (CONTROL_WORDS + SLOTS * SLOT_INTS) * 4;
const FLOATS_AT = (INTS_BYTES + 63) & ~63;
const BYTES = FLOATS_AT + SLOTS * SLOT_FLOATS * 8;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Slot number of worker `index` of `role`. */
export function slotOf(role: WorkerRole, index: number): number {
  return (role === 'producer' ? 0 : MAX_WORKERS_PER_ROLE) + index;
}

export class PipelineBoard extends SharedObject<'Block'> {
  private readonly f64: Float64Array;

  constructor(options?: Attach) {
    super('Block', BYTES, options);
    this.f64 = new Float64Array(this.buffer, this.byteOffset + FLOATS_AT, SLOTS * SLOT_FLOATS);
  }

  static from(handle: SharedHandle<'Block'>): PipelineBoard {
    checkHandle(handle, 'Block');
    return new PipelineBoard({ [ATTACH]: handle });
  }

  // --- control: written by the main thread ------------------------------------------------

  setPaused(paused: boolean): void {
    this.setControl(PAUSED, paused ? 1 : 0);
  }

  requestStop(): void {
    this.setControl(STOP, 1);
  }

  /** Sets the item budget that producers draw from (undefined = unlimited). */
  setBudget(items: number | undefined): void {
    Atomics.store(this.i32, REMAINING, items ?? 0);
    Atomics.store(this.i32, LIMITED, items === undefined ? 0 : 1);
  }

  retire(slot: number): void {
    Atomics.store(this.i32, CONTROL_WORDS + slot * SLOT_INTS + 1, 1);
    this.bump();
  }

  // --- control: read by workers ----------------------------------------------------------

  get paused(): boolean {
    return Atomics.load(this.i32, PAUSED) === 1;
  }

  get stopRequested(): boolean {
    return Atomics.load(this.i32, STOP) === 1;
  }

  isRetired(slot: number): boolean {
    return Atomics.load(this.i32, CONTROL_WORDS + slot * SLOT_INTS + 1) === 1;
  }

  /** Takes one item from the budget; false when it is used up. */
  claimItem(): boolean {
    return this.claimItems(1) === 1;
  }

  /**
   * Takes up to `max` items from the budget and returns how many it got (0 when it is used up).
   * Producers claim in small batches so they do not fight over this word on every item; the
   * batch shrinks as the budget runs low, so producers finish together. "Unlimited" is a
   * separate word, never a count value.
   */
  claimItems(max: number): number {
    if (Atomics.load(this.i32, LIMITED) === 0) return max;
    for (;;) {
      const left = Atomics.load(this.i32, REMAINING);
      if (left <= 0) return 0;
      const take = Math.min(max, Math.max(1, left >> 8));
      if (Atomics.compareExchange(this.i32, REMAINING, left, left - take) === left) return take;
    }
  }

  /** Blocks the calling worker while paused and nothing else changed (stop, retire, resume). */
  waitWhilePaused(slot: number): void {
    for (;;) {
      const version = Atomics.load(this.i32, VERSION);
      if (!this.paused || this.stopRequested || this.isRetired(slot)) return;
      Atomics.wait(this.i32, VERSION, version);
    }
  }

  // --- worker slots ------------------------------------------------------------------------

  setState(slot: number, state: WorkerState): void {
    Atomics.store(this.i32, CONTROL_WORDS + slot * SLOT_INTS, STATE_CODE.get(state)!);
  }

  state(slot: number): WorkerState {
    return WORKER_STATES[Atomics.load(this.i32, CONTROL_WORDS + slot * SLOT_INTS)]!;
  }

  addItem(slot: number): void {
    this.f64[slot * SLOT_FLOATS]! += 1;
  }

  items(slot: number): number {
    return this.f64[slot * SLOT_FLOATS]!;
  }

  beginBlocked(slot: number, state: 'blocked-full' | 'blocked-empty'): void {
    this.f64[slot * SLOT_FLOATS + 2] = epochMs();
    this.setState(slot, state);
  }

  endBlocked(slot: number, state: WorkerState): void {
    const at = slot * SLOT_FLOATS;
    this.f64[at + 1]! += epochMs() - this.f64[at + 2]!;
    this.f64[at + 2] = 0;
    this.setState(slot, state);
  }

  /** Total time blocked so far, including a block still in progress. */
  blockedMs(slot: number, now = epochMs()): number {
    const at = slot * SLOT_FLOATS;
    const since = this.f64[at + 2]!;
    return this.f64[at + 1]! + (since > 0 ? Math.max(0, now - since) : 0);
  }

  private setControl(word: number, value: number): void {
    Atomics.store(this.i32, word, value);
    this.bump();
  }

  private bump(): void {
    Atomics.add(this.i32, VERSION, 1);
    Atomics.notify(this.i32, VERSION);
  }
}
