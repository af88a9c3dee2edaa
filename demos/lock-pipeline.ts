/**
 * Lesson: a producer-consumer pipeline of one message slot, guarded by two locks.
 *
 * The classic first pipeline: the producer may write the slot only while holding the *producer
 * lock*, the consumer may read it only while holding the *consumer lock*, and each releases the
 * other's lock — so they take turns, one message at a time. The consumer lock starts out held, so
 * the consumer waits for the first message. A sentinel value (-1 here) tells the consumer to stop.
 * (A plain Lock has no owner, so one thread may release what another acquired, as in Python.)
 */
import { type BoundedQueue, Lock, Thread } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';

/** The message that means "no more messages". */
export const SENTINEL = -1;

/** The pipeline's shared parts. Threads get them as separate arguments: only top-level Lock arguments are revived. */
interface Pipeline {
  slot: Int32Array;
  producerLock: Lock;
  consumerLock: Lock;
}

function setMessage(p: Pipeline, message: number): void {
  p.producerLock.acquire();
  p.slot[0] = message;
  p.consumerLock.release();
}

function getMessage(p: Pipeline): number {
  p.consumerLock.acquire();
  const message = p.slot[0]!;
  p.producerLock.release();
  return message;
}

/** Runs in the producer thread: sends `messages`, then the sentinel. */
export function producer(
  out: BoundedQueue<string>,
  slot: Int32Array,
  producerLock: Lock,
  consumerLock: Lock,
  messages: number[],
): void {
  const p: Pipeline = { slot, producerLock, consumerLock };
  for (const message of messages) {
    out.put(`Producer got message: ${message}`);
    setMessage(p, message);
  }
  setMessage(p, SENTINEL);
  out.put('Producer: sent the sentinel, exiting');
}

/** Runs in the consumer thread: takes messages until the sentinel; records them in `received`. */
export function consumer(
  out: BoundedQueue<string>,
  slot: Int32Array,
  producerLock: Lock,
  consumerLock: Lock,
  received: Int32Array,
): void {
  const p: Pipeline = { slot, producerLock, consumerLock };
  for (;;) {
    const message = getMessage(p);
    if (message === SENTINEL) break;
    received[1 + Atomics.add(received, 0, 1)] = message;
    out.put(`Consumer storing message: ${message}`);
  }
  out.put('Consumer: got the sentinel, exiting');
}

export interface LockPipelineResult {
  sent: number[];
  received: number[];
}

export async function main({ quick, out }: LessonContext): Promise<LockPipelineResult> {
  const sent = Array.from({ length: quick ? 5 : 10 }, () => 1 + Math.floor(Math.random() * 100));
  const pipeline: Pipeline = {
    slot: new Int32Array(new SharedArrayBuffer(4)),
    producerLock: new Lock(),
    consumerLock: new Lock(),
  };
  await pipeline.consumerLock.acquireAsync(); // nothing to read yet
  const received = new Int32Array(new SharedArrayBuffer(4 * (sent.length + 1)));
  const threads = [
    new Thread({
      target: new URL('#producer', import.meta.url),
      args: [out.lines, pipeline.slot, pipeline.producerLock, pipeline.consumerLock, sent],
      name: 'producer',
    }),
    new Thread({
      target: new URL('#consumer', import.meta.url),
      args: [out.lines, pipeline.slot, pipeline.producerLock, pipeline.consumerLock, received],
      name: 'consumer',
    }),
  ];
  for (const t of threads) t.start();
  await Promise.all(threads.map((t) => t.join()));
  const result = { sent, received: Array.from(received.subarray(1, 1 + received[0]!)) };
  out.print(
    `Sent ${result.sent.length} messages, received ${result.received.length}, ` +
      `in the same order: ${String(result.sent.join() === result.received.join())}.`,
  );
  return result;
}
