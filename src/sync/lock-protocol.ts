/**
 * What a Condition needs from its lock (CPython's `_is_owned`, `_release_save`,
 * `_acquire_restore`): Lock and RLock implement it. Not part of the public API.
 */

import type { Acquirable } from './hold.js';
import type { Steps } from './park.js';
import type { SharedHandle } from './shared-object.js';

export interface ConditionLock extends Acquirable {
  readonly handle: SharedHandle<'Lock' | 'RLock'>;
  /** Whether the calling thread holds the lock. */
  isOwnedByMe(): boolean;
  /** Releases the lock completely (all recursion levels); returns what `reacquireSteps` needs. */
  releaseAll(): number;
  /** Takes the lock back, waiting as long as it takes, and restores the recursion level. */
  reacquireSteps(saved: number): Steps<void>;
}
