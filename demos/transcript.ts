/**
 * What a demo prints, in the order it happened, from every thread.
 *
 * Threads cannot share the main thread's `console`, and a worker's own `console.log` reaches the
 * terminal late and out of order. So a demo hands its threads `out.lines`, a BoundedQueue of
 * strings: a thread `put`s a line, and the main thread prints it. The main thread's own
 * `out.print(text)` first prints every line the threads have queued so far, so a line a thread
 * wrote before (say) `join` returned is always printed before what the main thread says after it.
 */
import { BoundedQueue, QueueEmpty, QueueShutDown } from 'pipeline-tui';

export class Transcript {
  /** Give this to threads; they call `lines.put(text)` to print a line. */
  readonly lines = new BoundedQueue<string>({ capacity: 256 });
  /** Every line printed so far, main thread's and threads' alike. */
  readonly printed: string[] = [];
  private readonly pump: Promise<void>;

  /** @param write prints one line (default: to stdout). */
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.pump = this.drain();
  }

  /** Prints `text` from the main thread, after every line the threads have queued so far. */
  print(text: string): void {
    this.flush();
    this.emit(text);
  }

  /** Prints what is still queued and stops listening (the pending wait would keep the process alive). */
  async close(): Promise<void> {
    this.lines.shutdown();
    await this.pump;
    this.flush();
  }

  private emit(text: string): void {
    this.printed.push(text);
    this.write(text);
  }

  private flush(): void {
    for (;;) {
      try {
        this.emit(this.lines.getNowait());
      } catch (error) {
        if (error instanceof QueueEmpty || error instanceof QueueShutDown) return;
        throw error;
      }
    }
  }

  /** Prints thread lines as they arrive while the main thread is waiting for something. */
  private async drain(): Promise<void> {
    for (;;) {
      try {
        this.emit(await this.lines.getAsync());
      } catch (error) {
        if (error instanceof QueueShutDown) return;
        throw error;
      }
    }
  }
}
