/**
 * Lesson: the same pipeline on a bounded queue, stopped by an Event.
 *
 * The queue replaces the two locks and the single slot: the producer `put`s as fast as it can,
 * blocking while the queue is full; the consumer `get`s, blocking while it is empty. The main
 * thread lets it run a moment, then sets an Event: the producer sees it and stops. The consumer is
 * told with `queue.shutdown()` (Python 3.13) once the producer has ended: it drains what is left,
 * and its next `get` raises QueueShutDown — so nothing is lost and nobody waits forever.
 */
import { BoundedQueue, Event, QueueShutDown, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep, sleepAsync } from './pause.js';

/** Runs in the producer thread: puts messages until `stop` is set; counts them in `produced[0]`. */
export function producer(
  out: BoundedQueue<string>,
  queue: BoundedQueue<number>,
  stop: Event,
  produced: Int32Array,
): void {
  while (!stop.isSet()) {
    queue.put(1 + Math.floor(Math.random() * 100));
    Atomics.add(produced, 0, 1);
  }
  out.put(`Producer received the event after ${produced[0]} messages. Exiting`);
}

/** Runs in the consumer thread: gets until the queue is shut down and empty; counts in `consumed[0]`. */
export function consumer(
  out: BoundedQueue<string>,
  queue: BoundedQueue<number>,
  consumed: Int32Array,
  ms: number,
): void {
  try {
    for (;;) {
      queue.get();
      Atomics.add(consumed, 0, 1);
      sleep(ms); // a slower consumer: the queue fills up
    }
  } catch (error) {
    if (!(error instanceof QueueShutDown)) throw error;
  }
  out.put(`Consumer: queue shut down and drained after ${consumed[0]} messages. Exiting`);
}

export interface QueuePipelineResult {
  produced: number;
  consumed: number;
  capacity: number;
}

export async function main({ quick, out }: LessonContext): Promise<QueuePipelineResult> {
  const queue = new BoundedQueue<number>({ capacity: 10 });
  const stop = new Event();
  const produced = new Int32Array(new SharedArrayBuffer(4));
  const consumed = new Int32Array(new SharedArrayBuffer(4));
  const producerThread = new Thread({
    target: new URL('#producer', import.meta.url),
    args: [out.lines, queue, stop, produced],
    name: 'producer',
  });
  const consumerThread = new Thread({
    target: new URL('#consumer', import.meta.url),
    args: [out.lines, queue, consumed, 1],
    name: 'consumer',
  });
  producerThread.start();
  consumerThread.start();
  while (Atomics.load(produced, 0) === 0) await sleepAsync(5); // let it get going
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    await sleepAsync(quick ? 50 : 200);
    out.print(
      `Main: queue size ${queue.qsize()}/${queue.capacity}, ` +
        `produced ${Atomics.load(produced, 0)}, consumed ${Atomics.load(consumed, 0)}`,
    );
  }
  out.print('Main: about to set the event');
  stop.set();
  await producerThread.join();
  queue.shutdown();
  await consumerThread.join();
  const result = { produced: produced[0]!, consumed: consumed[0]!, capacity: queue.capacity };
  out.print(`Produced ${result.produced}, consumed ${result.consumed}.`);
  return result;
}
