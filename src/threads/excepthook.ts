/**
 * What happens to an error nobody caught in a thread (Python's `threading.excepthook`): by
 * default `Exception in thread <name>:` and the stack on stderr. The process goes on, and the
 * thread's `join` still returns. Replace it to log elsewhere or to collect errors in tests.
 */
import type { ThreadInfo } from './thread-info.js';

export interface ExceptHookArgs {
  thread: ThreadInfo;
  error: unknown;
}

export type ExceptHook = (args: ExceptHookArgs) => void;

const defaultExcepthook: ExceptHook = ({ thread, error }) => {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  process.stderr.write(`Exception in thread ${thread.name}:\n${text}\n`);
};

let current: ExceptHook = defaultExcepthook;

/** Installs `hook` for uncaught thread errors; `undefined` restores the default. */
export function setExcepthook(hook: ExceptHook | undefined): void {
  current = hook ?? defaultExcepthook;
}

export function getExcepthook(): ExceptHook {
  return current;
}

/** Reports an uncaught error; a hook that throws falls back to the default. */
export function reportException(args: ExceptHookArgs): void {
  try {
    current(args);
  } catch (hookError) {
    defaultExcepthook(args);
    defaultExcepthook({ thread: args.thread, error: hookError });
  }
}
