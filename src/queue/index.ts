export { BoundedQueue, type BoundedQueueOptions, type QueueHandle, type QueueOptions, type QueueStats, type ShutdownOptions } from './bounded-queue.js';
export { QueueEmpty, QueueFull, QueueShutDown, ItemTooLargeError, TaskDoneError } from './errors.js';
export { SENTINEL, type Sentinel } from './sentinel.js';
