/**
 * pipeline-tui: Python-style threading for Node.js worker_threads.
 * Everything here works across workers: pass `x.handle` to a worker, `revive(handle)` it there.
 */

export { AutoscaleError, type AutoscaleOptions } from './pipeline/autoscale.js';
export { ConfigError } from './pipeline/config.js';
export { type PipelineRun, type RunOptions, runPipeline, startPipeline } from './pipeline/run-pipeline.js';
export { PoolSizeError } from './pipeline/run-pool.js';
export { type Trial, type TuneOptions, type TuneReport, tune } from './pipeline/tune.js';
export type {
  AutoscaleDecision,
  AutoscaleReading,
  Bottleneck,
  EndedBy,
  LinkRow,
  PipelineConfig,
  PipelineControls,
  PoolReading,
  Snapshot,
  StageConfig,
  StageRow,
  Summary,
  WorkerRow,
} from './pipeline/types.js';
export type { Consume, Produce, Transform, WorkerContext } from './pipeline/user-modules.js';
export type { UslFit } from './pipeline/usl.js';
export type {
  BoundedQueueOptions,
  QueueHandle,
  QueueOptions,
  QueueStats,
  Sentinel,
  ShutdownOptions,
} from './queue/index.js';
export {
  BoundedQueue,
  ItemTooLargeError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  SENTINEL,
  TaskDoneError,
} from './queue/index.js';
export { isHandle, revive } from './revive.js';
export { Barrier, type BarrierOptions } from './sync/barrier.js';
export { BoundedSemaphore } from './sync/bounded-semaphore.js';
export { Condition, type ConditionHandle } from './sync/condition.js';
export {
  AcquireTimeoutError,
  BrokenBarrierError,
  InvalidHandleError,
  LockNotHeldError,
  SemaphoreOverReleaseError,
} from './sync/errors.js';
export { Event } from './sync/event.js';
export { type Acquirable, type AcquireOptions, type Hold, withLock, withLockAsync } from './sync/hold.js';
export { Lock, type LockStats } from './sync/lock.js';
export { RLock } from './sync/rlock.js';
export { Semaphore } from './sync/semaphore.js';
export type { PlacementOptions, SharedHandle, SharedRegion } from './sync/shared-object.js';
export { activeCount, currentThread, enumerate, mainThread } from './threads/current-thread.js';
export { CancelledError, ExecutorShutDownError, FutureTimeoutError, ThreadStateError } from './threads/errors.js';
export { type ExceptHook, type ExceptHookArgs, getExcepthook, setExcepthook } from './threads/excepthook.js';
export { Future } from './threads/future.js';
export type { Target } from './threads/target.js';
export { Thread, type ThreadOptions } from './threads/thread.js';
export type { ThreadInfo } from './threads/thread-info.js';
export { type ExecutorOptions, ThreadPoolExecutor } from './threads/thread-pool-executor.js';
export { Timer } from './threads/timer.js';
