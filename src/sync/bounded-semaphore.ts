/**
 * BoundedSemaphore: a Semaphore that refuses to hold more permits than it started with
 * (Python's `threading.BoundedSemaphore`), catching a release without a matching acquire.
 */

import { Semaphore } from './semaphore.js';
import { ATTACH, type Attach, checkHandle, type PlacementOptions, type SharedHandle } from './shared-object.js';

export class BoundedSemaphore extends Semaphore {
  /** @param value initial and maximum permits (default 1). */
  constructor(value = 1, options?: PlacementOptions | Attach) {
    super(value, options, 'BoundedSemaphore');
  }

  /** Rebuilds, in this thread, the BoundedSemaphore that `handle` describes. */
  static override from(handle: SharedHandle<'Semaphore' | 'BoundedSemaphore'>): BoundedSemaphore {
    checkHandle(handle, 'BoundedSemaphore');
    return new BoundedSemaphore(0, { [ATTACH]: handle });
  }
}
