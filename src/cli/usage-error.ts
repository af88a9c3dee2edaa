/** Bad command-line input: printed as one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  stalled: 3,
  /** `replay` of a metrics log with no summary line: the recording was cut short (its run crashed or was killed). */
  cutShort: 4,
  /** The broker (--broker, `watch`, `worker`) cannot be used: unreachable, or the password refused. */
  broker: 5,
  /** Aborted by Ctrl-C (a run aborted by SIGTERM or SIGHUP exits 143 or 129: 128 + the signal). */
  aborted: 130,
  /** stdout was closed (`| head`): the run stopped early, as a command killed by SIGPIPE would. */
  outputClosed: 141,
} as const;
