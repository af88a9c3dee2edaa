/**
 * The broker's defaults, in a file of their own so that the command line can name them without
 * loading the Redis client.
 */

/** Idle time after which another consumer's unacknowledged entries are claimed (10 s). */
export const CLAIM_IDLE_MS = 10_000;
/** The consumer group a run uses unless told otherwise. */
export const DEFAULT_GROUP = 'pipeline-tui';
