export {
  BoundedQueue,
  type BoundedQueueOptions,
  type QueueHandle,
  type QueueOptions,
  type QueueStats,
  type ShutdownOptions,
} from './bounded-queue.js';
export { ItemTooLargeError, QueueEmpty, QueueFull, QueueShutDown, TaskDoneError } from './errors.js';
export { SENTINEL, type Sentinel } from './sentinel.js';
