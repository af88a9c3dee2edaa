/**
 * pipeline-tui: Python-style threading for Node.js worker_threads.
 * Everything here works across workers: pass `x.handle` to a worker, `revive(handle)` it there.
 */
export { Lock, type LockStats } from './sync/lock.js';
export { RLock } from './sync/rlock.js';
export { Semaphore } from './sync/semaphore.js';
export { BoundedSemaphore } from './sync/bounded-semaphore.js';
export { Condition, type ConditionHandle } from './sync/condition.js';
export { Event } from './sync/event.js';
export { Barrier, type BarrierOptions } from './sync/barrier.js';
export { withLock, withLockAsync, type AcquireOptions, type Acquirable, type Hold } from './sync/hold.js';
export { LockNotHeldError, SemaphoreOverReleaseError, BrokenBarrierError, InvalidHandleError, AcquireTimeoutError } from './sync/errors.js';
export type { SharedHandle, SharedRegion, PlacementOptions } from './sync/shared-object.js';
export { revive, isHandle } from './revive.js';
export { BoundedQueue, QueueEmpty, QueueFull, QueueShutDown, ItemTooLargeError, TaskDoneError, SENTINEL } from './queue/index.js';
export type { BoundedQueueOptions, QueueHandle, QueueOptions, QueueStats, Sentinel, ShutdownOptions } from './queue/index.js';
export { Thread, type ThreadOptions } from './threads/thread.js';
export { Timer } from './threads/timer.js';
export { ThreadPoolExecutor, type ExecutorOptions } from './threads/thread-pool-executor.js';
export { Future } from './threads/future.js';
export { activeCount, currentThread, mainThread, enumerate } from './threads/current-thread.js';
export { setExcepthook, getExcepthook, type ExceptHook, type ExceptHookArgs } from './threads/excepthook.js';
export { ThreadStateError, ExecutorShutDownError, FutureTimeoutError, CancelledError } from './threads/errors.js';
export type { ThreadInfo } from './threads/thread-info.js';
export type { Target } from './threads/target.js';
