/**
 * What can go wrong with the broker during a run, kept as data — not as the text of a message that
 * has to be taken apart again — and said in one line: the run's error names it, the dashboard's
 * Broker line shows it while it lasts.
 */

export type BrokerTrouble =
  /** Out of reach (the connection dropped, or nothing was answered), retried for RECONNECT_FOR_MS. */
  | { kind: 'lost'; cause: string }
  /** Not back within RECONNECT_FOR_MS: given up. */
  | { kind: 'gone'; cause: string }
  /** Back, without the run's keys: restarted without persistence, or flushed. */
  | { kind: 'data-lost' }
  /** It refused to store more: used memory past `maxmemory` with the `noeviction` policy. */
  | { kind: 'out-of-memory' }
  /** Another run holds the stream now (this run's hold expired while it could not renew it). */
  | { kind: 'taken'; by: string };

/** Whether the run can go on with it: only a broker being retried may still come back. */
export const isFatal = (trouble: BrokerTrouble | undefined): boolean =>
  trouble !== undefined && trouble.kind !== 'lost';

/** The trouble in one line; `at` is the broker's `host:port`. */
export function describeTrouble(trouble: BrokerTrouble, at: string, stream: string): string {
  switch (trouble.kind) {
    case 'lost':
    case 'gone':
      return `lost the broker at ${at}: ${trouble.cause}`;
    case 'data-lost':
      return (
        `the broker at ${at} lost the run's data: stream ${stream} and its consumer group are gone ` +
        '(restarted without persistence, or flushed)'
      );
    case 'out-of-memory':
      return `the broker at ${at} refused to store more: it is out of memory (maxmemory reached, policy noeviction)`;
    case 'taken':
      return `another run (${trouble.by}) took stream ${stream} at ${at} while this run could not renew its hold`;
  }
}

/** The broker's fault behind an error one of its commands got, if it is one. */
export function troubleOf(error: unknown): BrokerTrouble | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/\bOOM command not allowed\b/.test(message)) return { kind: 'out-of-memory' };
  // The group (and with it the stream) is gone: nothing of ours deletes either during a run.
  if (/\bNOGROUP\b/.test(message)) return { kind: 'data-lost' };
  return undefined;
}
