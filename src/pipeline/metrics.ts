/**
 * The pipeline's shared-memory board: what workers publish and what the main thread steers with.
 * No lock anywhere: every word has one writer, except the pool's two counters, which every
 * consumer updates with atomic read-modify-write operations.
 *
 *   control (Int32, written by the main thread, except `remaining` and the pool's words):
 *     0 tag  1 version (futex word: bumped on every control change)  2 paused  3 stop
 *     4 remaining item budget (producers claim items with Atomics.sub)  5 budget is limited (0/1)
 *     6 pool permits in use (Atomics.add after acquire, sub before release)  7 most in use at once
 *   per worker slot: stage s of the chain (0 producers, then each --stage, last consumers) has
 *   slots s·64 … s·64 + 63, one per worker of that stage:
 *     Int32  state, retire (main asks this one worker to leave)
 *     Float64 items (made, or taken), blockedMs (finished blocks), blockedSince (epoch ms, 0 = not
 *       blocked) and its direction, blockedOutMs (the part of blockedMs spent on a full output link), out (items put
 *       on the next link, stage workers), dropped (items a stage's transform dropped), and the pool:
 *       acquisitions, waits (acquisitions that had to wait), waitedMs, waitSince (0 = not waiting)
 *   Float64 fields are written only by their worker and read racily by the sampler: a reader
 *   sees either the old or the new value of an aligned 8-byte store, which is all a display needs.
 */

import { epochMs } from '../sync/futex.js';
import { ATTACH, type Attach, checkHandle, type SharedHandle, SharedObject } from '../sync/shared-object.js';
import { MAX_WORKERS_PER_ROLE } from './config.js';
import type { WorkerState } from './types.js';

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
const POOL_IN_USE = 6;
const POOL_MAX_IN_USE = 7;
const CONTROL_WORDS = 8;

// Each worker's words fill whole 64-byte cache lines: workers bump their counters on every item,
// and neighbours sharing a line would slow each other down (false sharing).
const SLOT_INTS = 16; // state, retire, padding
const SLOT_FLOATS = 16; // the fields below, padding
const ITEMS = 0;
const BLOCKED_MS = 1;
const BLOCKED_SINCE = 2;
const BLOCKED_OUT_MS = 3;
const OUT = 4;
const DROPPED = 5;
const POOL_ACQUISITIONS = 6;
const POOL_WAITS = 7;
const POOL_WAITED_MS = 8;
const POOL_WAIT_SINCE = 9;
const BLOCKED_ON_OUTPUT = 10; // 1 while the block in progress is on the output link

/** The board's layout for a chain of `stages` stages (producers and consumers included). */
function layout(stages: number): { slots: number; floatsAt: number; bytes: number } {
  const slots = stages * MAX_WORKERS_PER_ROLE;
  const intsBytes = (CONTROL_WORDS + slots * SLOT_INTS) * 4;
  const floatsAt = (intsBytes + 63) & ~63;
  return { slots, floatsAt, bytes: floatsAt + slots * SLOT_FLOATS * 8 };
}

/**
 * A producer's claim takes at most the remaining budget divided by this (and at least one item),
 * so the claims shrink as the budget runs low and producers finish together. The broker's budget
 * (claim-2.lua) is handed the same number.
 */
export const BUDGET_SHARE = 256;

/** Slot number of worker `index` of the chain's stage `stage` (0: producers, last: consumers). */
export function slotOf(stage: number, index: number): number {
  return stage * MAX_WORKERS_PER_ROLE + index;
}

export class PipelineBoard extends SharedObject<'PipelineBoard'> {
  private readonly f64: Float64Array;

  /** A board for a chain of `stages` stages (2 without --stage: producers and consumers). */
  constructor(stages = 2, options?: Attach) {
    const { slots, floatsAt, bytes } = layout(stages);
    super('PipelineBoard', bytes, options);
    this.f64 = new Float64Array(this.buffer, this.byteOffset + floatsAt, slots * SLOT_FLOATS);
  }

  /** Attaches to the board of a chain of `stages` stages. */
  static from(handle: SharedHandle<'PipelineBoard'>, stages = 2): PipelineBoard {
    checkHandle(handle, 'PipelineBoard');
    return new PipelineBoard(stages, { [ATTACH]: handle });
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
      const take = Math.min(max, Math.max(1, Math.floor(left / BUDGET_SHARE)));
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

  /** One more item made (producer) or taken and handled (stage worker, consumer). */
  addItem(slot: number): void {
    this.f64[slot * SLOT_FLOATS + ITEMS]! += 1;
  }

  /** `n` more items at once (a worker that takes its items in batches). */
  addItems(slot: number, n: number): void {
    this.f64[slot * SLOT_FLOATS + ITEMS]! += n;
  }

  items(slot: number): number {
    return this.f64[slot * SLOT_FLOATS + ITEMS]!;
  }

  /** A stage worker's item went on to the next link (`out`), or its transform dropped it. */
  addOut(slot: number): void {
    this.f64[slot * SLOT_FLOATS + OUT]! += 1;
  }

  out(slot: number): number {
    return this.f64[slot * SLOT_FLOATS + OUT]!;
  }

  addDropped(slot: number): void {
    this.f64[slot * SLOT_FLOATS + DROPPED]! += 1;
  }

  dropped(slot: number): number {
    return this.f64[slot * SLOT_FLOATS + DROPPED]!;
  }

  /** Blocked on a full output link (blocked-full) or an empty input link (blocked-empty). */
  beginBlocked(slot: number, state: 'blocked-full' | 'blocked-empty'): void {
    const at = slot * SLOT_FLOATS;
    this.f64[at + BLOCKED_ON_OUTPUT] = state === 'blocked-full' ? 1 : 0;
    this.f64[at + BLOCKED_SINCE] = epochMs();
    this.setState(slot, state);
  }

  endBlocked(slot: number, state: WorkerState): void {
    const at = slot * SLOT_FLOATS;
    const ms = epochMs() - this.f64[at + BLOCKED_SINCE]!;
    this.f64[at + BLOCKED_MS]! += ms;
    if (this.f64[at + BLOCKED_ON_OUTPUT] === 1) this.f64[at + BLOCKED_OUT_MS]! += ms;
    this.f64[at + BLOCKED_SINCE] = 0;
    this.setState(slot, state);
  }

  /** Total time blocked so far, including a block still in progress. */
  blockedMs(slot: number, now = epochMs()): number {
    const at = slot * SLOT_FLOATS;
    return this.f64[at + BLOCKED_MS]! + this.running(at + BLOCKED_SINCE, now);
  }

  /** The part of {@link blockedMs} spent blocked on a full output link. */
  blockedOutMs(slot: number, now = epochMs()): number {
    const at = slot * SLOT_FLOATS;
    const current = this.f64[at + BLOCKED_ON_OUTPUT] === 1 ? this.running(at + BLOCKED_SINCE, now) : 0;
    return this.f64[at + BLOCKED_OUT_MS]! + current;
  }

  // --- the pool (--pool): consumers only -----------------------------------------------------

  /** A consumer starts waiting for a pool permit. */
  beginPoolWait(slot: number): void {
    this.f64[slot * SLOT_FLOATS + POOL_WAIT_SINCE] = epochMs();
  }

  /** Ends a wait begun with {@link beginPoolWait} (the permit came, or the worker pauses meanwhile). */
  endPoolWait(slot: number): void {
    const at = slot * SLOT_FLOATS;
    this.f64[at + POOL_WAITED_MS]! += epochMs() - this.f64[at + POOL_WAIT_SINCE]!;
    this.f64[at + POOL_WAIT_SINCE] = 0;
  }

  /**
   * A consumer holds a permit now (`waited`: it had to wait for it). Counts it in use and raises
   * the most-in-use mark to the count this acquisition reached, so that mark is what the
   * consumers really held at once.
   */
  poolAcquired(slot: number, waited: boolean): void {
    const at = slot * SLOT_FLOATS;
    this.f64[at + POOL_ACQUISITIONS]! += 1;
    if (waited) this.f64[at + POOL_WAITS]! += 1;
    const inUse = Atomics.add(this.i32, POOL_IN_USE, 1) + 1;
    for (let max = Atomics.load(this.i32, POOL_MAX_IN_USE); inUse > max; ) {
      const seen = Atomics.compareExchange(this.i32, POOL_MAX_IN_USE, max, inUse);
      if (seen === max) break;
      max = seen;
    }
  }

  /** Called just before the permit is released. */
  poolReleasing(): void {
    Atomics.sub(this.i32, POOL_IN_USE, 1);
  }

  poolInUse(): number {
    return Atomics.load(this.i32, POOL_IN_USE);
  }

  poolMaxInUse(): number {
    return Atomics.load(this.i32, POOL_MAX_IN_USE);
  }

  poolAcquisitions(slot: number): number {
    return this.f64[slot * SLOT_FLOATS + POOL_ACQUISITIONS]!;
  }

  poolWaits(slot: number): number {
    return this.f64[slot * SLOT_FLOATS + POOL_WAITS]!;
  }

  /** Whether the worker is waiting for a permit right now. */
  poolWaiting(slot: number): boolean {
    return this.f64[slot * SLOT_FLOATS + POOL_WAIT_SINCE]! > 0;
  }

  /** Time spent waiting for permits so far, including a wait in progress. */
  poolWaitedMs(slot: number, now = epochMs()): number {
    const at = slot * SLOT_FLOATS;
    return this.f64[at + POOL_WAITED_MS]! + this.running(at + POOL_WAIT_SINCE, now);
  }

  /** How long the interval that began at the epoch time in float `since` has run (0 if none). */
  private running(since: number, now: number): number {
    const from = this.f64[since]!;
    return from > 0 ? Math.max(0, now - from) : 0;
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
