/** What every thread-like object tells about itself (Thread, Timer, the main thread). */
export interface ThreadInfo {
  /** For display and debugging; not unique unless left at the default "Thread-N". */
  readonly name: string;
  /** The worker_threads `threadId` once started (0 for the main thread), else undefined. */
  readonly ident: number | undefined;
  /** A daemon thread does not keep the process alive. */
  readonly daemon: boolean;
  isAlive(): boolean;
}
