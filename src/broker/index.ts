/**
 * `pipeline-tui/broker`: the queue on Redis Streams and the semaphore on the broker (BrokerSemaphore), for
 * work that crosses processes and machines.
 * A subpath of its own, so `import 'pipeline-tui'` does not load the Redis client.
 */
export { SENTINEL } from '../queue/sentinel.js';
export { SemaphoreOverReleaseError } from '../sync/errors.js';
export {
  BrokerSemaphore,
  type BrokerSemaphoreOptions,
  PERMIT_LEASE_MS,
  type PermitCounts,
  PermitLostError,
} from './broker-semaphore.js';
export { type BrokerAddress, BrokerUrlError, parseBrokerUrl, redactUrl } from './broker-url.js';
export {
  ANSWER_TIMEOUT_MS,
  BrokerUnavailableError,
  CONNECT_TIMEOUT_MS,
  closeBroker,
  connectBroker,
  RECONNECT_FOR_MS,
} from './connect.js';
export { StreamBusyError } from './stream-lease.js';
export { StreamLink, type StreamLinkOptions } from './stream-link.js';
export {
  CLAIM_IDLE_MS,
  DEFAULT_GROUP,
  type StreamEntry,
  StreamQueue,
  type StreamQueueOptions,
  type StreamQueueStats,
} from './stream-queue.js';
