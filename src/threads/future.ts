/**
 * Future: the eventual result of a task submitted to a ThreadPoolExecutor
 * (Python's `concurrent.futures.Future`). States: pending → running → finished, or
 * pending → cancelled. Only a pending future can be cancelled.
 */
import { CancelledError, FutureTimeoutError } from './errors.js';

type State = 'pending' | 'running' | 'finished' | 'cancelled';

export class Future<T = unknown> {
  private state: State = 'pending';
  private value: T | undefined;
  private error: unknown;
  private failed = false;
  private readonly callbacks: Array<(f: Future<T>) => void> = [];
  private resolveSettled!: () => void;
  private readonly settled = new Promise<void>((resolve) => (this.resolveSettled = resolve));

  /** Cancels the task if it has not started; returns whether it is now cancelled. */
  cancel(): boolean {
    if (this.state === 'running' || this.state === 'finished') return false;
    if (this.state === 'pending') this.settle('cancelled');
    return true;
  }

  cancelled(): boolean {
    return this.state === 'cancelled';
  }

  running(): boolean {
    return this.state === 'running';
  }

  /** Whether it finished, failed or was cancelled. */
  done(): boolean {
    return this.state === 'finished' || this.state === 'cancelled';
  }

  /**
   * The task's return value, waiting for it at most `timeout` ms.
   * @throws the task's error; CancelledError if cancelled; FutureTimeoutError on timeout.
   */
  async result(timeout?: number): Promise<T> {
    await this.wait(timeout);
    if (this.state === 'cancelled') throw new CancelledError('the future was cancelled before it ran');
    if (this.failed) throw this.error;
    return this.value as T;
  }

  /** The task's error (undefined if it succeeded), waiting at most `timeout` ms. */
  async exception(timeout?: number): Promise<unknown> {
    await this.wait(timeout);
    if (this.state === 'cancelled') throw new CancelledError('the future was cancelled before it ran');
    return this.failed ? this.error : undefined;
  }

  /**
   * Calls `fn(future)` when it is done (at once if it already is), in the order added. A callback
   * that throws is reported on stderr and does not stop the others (as in Python).
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (this.done()) this.invoke(fn);
    else this.callbacks.push(fn);
  }

  /** @internal the executor marks the task started; false if it was cancelled meanwhile. */
  setRunning(): boolean {
    if (this.state !== 'pending') return false;
    this.state = 'running';
    return true;
  }

  /** @internal */
  setResult(value: T): void {
    this.value = value;
    this.settle('finished');
  }

  /** @internal */
  setException(error: unknown): void {
    this.error = error;
    this.failed = true;
    this.settle('finished');
  }

  private settle(state: 'finished' | 'cancelled'): void {
    this.state = state;
    this.resolveSettled();
    for (const fn of this.callbacks.splice(0)) this.invoke(fn);
  }

  private invoke(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
      process.stderr.write(`exception calling callback for ${this.toString()}:\n${text}\n`);
    }
  }

  toString(): string {
    return `<Future state=${this.state}${this.state === 'finished' ? (this.failed ? ' raised' : ' returned') : ''}>`;
  }

  private async wait(timeout: number | undefined): Promise<void> {
    if (this.done() || timeout === undefined) return this.settled;
    let t: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.settled,
        new Promise<never>(
          (_, reject) =>
            (t = setTimeout(
              () => reject(new FutureTimeoutError(`the task did not finish within ${timeout} ms`)),
              timeout,
            )),
        ),
      ]);
    } finally {
      clearTimeout(t);
    }
  }
}
