/**
 * The entry of one remote consumer thread (`pipeline-tui worker --role consumer`): it takes the
 * run's items from the stream with its own connection, hands each to the run's work (the built-in
 * workload of the run's configuration, or `--consumer`'s `consume`), acknowledges it, and stops at
 * its sentinel. Its state and counts go on a small shared block that the process publishes on the
 * run's board (the same data path as a local worker: counters in shared memory, sampled; see
 * remote-consumer-block.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Consume, loadConsumer, type WorkerContext } from '../pipeline/user-modules.js';
import { makeWork, mulberry32, workerSeed } from '../pipeline/workload.js';
import { SENTINEL } from '../queue/sentinel.js';
import { parseBrokerUrl } from './broker-url.js';
import { COUNTER, type RemoteConsumerData, type RemoteConsumerMessage, STATE_CODES } from './remote-consumer-block.js';
import { StreamQueue } from './stream-queue.js';

const data = workerData as RemoteConsumerData;
const counters = new Int32Array(data.counters);
function setState(state: (typeof STATE_CODES)[number]): void {
  Atomics.store(counters, COUNTER.state, STATE_CODES.indexOf(state));
}
const post = (message: RemoteConsumerMessage): void => parentPort!.postMessage(message);

async function main(): Promise<void> {
  const { config } = data;
  const seed = workerSeed(config.seed, 1000 + data.index);
  const ctx: WorkerContext = {
    ...{ id: data.id, role: 'consumer', index: data.index, seed },
    signal: new AbortController().signal,
  };
  const work = makeWork(config.work, config.consumeMs, config.jitter, mulberry32(seed));
  const consume: Consume = data.consumer === undefined ? () => work() : await loadConsumer(data.consumer);
  const queue = await StreamQueue.open(parseBrokerUrl(data.url), {
    ...{ stream: data.stream, group: data.group, capacity: data.capacity },
    ...{ consumer: data.id, claimIdleMs: data.claimIdleMs },
  });
  try {
    for (;;) {
      setState('blocked-empty');
      const entry = (await queue.get())!;
      setState('consuming');
      if (entry.item === SENTINEL) {
        await queue.ack(entry);
        break;
      }
      const done = consume(entry.item, ctx);
      if (done instanceof Promise) await done;
      const outcome = await queue.ack(entry);
      Atomics.add(counters, outcome === 'acked' ? COUNTER.items : COUNTER.duplicates, 1);
    }
  } finally {
    await queue.close();
  }
}

main().then(
  () => {
    setState('done');
    post({ type: 'done' });
  },
  (error: unknown) => {
    setState('failed');
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  },
);
