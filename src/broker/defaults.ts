/**
 * The broker's defaults, in a file of their own so that the command line can name them without
 * loading the Redis client.
 */

/** Idle time after which another consumer's unacknowledged entries are claimed (10 s). */
export const CLAIM_IDLE_MS = 10_000;
/** The consumer group a run uses unless told otherwise. */
export const DEFAULT_GROUP = 'pipeline-tui';
/**
 * How long a run's hold on its stream lasts unless renewed (it renews it a few times within): one
 * run at a time on a stream, and a run that crashed lets go of it this long after its last renewal.
 */
export const STREAM_LEASE_MS = 10_000;
