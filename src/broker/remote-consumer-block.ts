/**
 * What a remote consumer thread shares with its process: the data it starts with, the messages it
 * sends, and its block of counters in shared memory — [state, items acknowledged, duplicates] —
 * which the process samples for the run's board.
 */
import type { PipelineConfig } from '../pipeline/types.js';

export const COUNTER = { state: 0, items: 1, duplicates: 2 } as const;
export const COUNTER_WORDS = 3;
/** The state word's values, by index. */
export const STATE_CODES = ['starting', 'consuming', 'blocked-empty', 'done', 'failed'] as const;

export interface RemoteConsumerData {
  url: string;
  stream: string;
  group: string;
  capacity: number;
  claimIdleMs: number;
  id: string;
  index: number;
  config: Pick<PipelineConfig, 'work' | 'consumeMs' | 'jitter' | 'seed'>;
  consumer: string | undefined;
  counters: SharedArrayBuffer;
}

export type RemoteConsumerMessage = { type: 'done' } | { type: 'failed'; message: string };
