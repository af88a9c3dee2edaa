/**
 * The main-thread side of the test harness: start fixture modules (test/fixtures/*.ts) in real
 * worker threads and collect their results, each with a deadline so a bug fails the test instead
 * of hanging CI. Errors thrown in a worker are rethrown here with the worker's stack.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../src/threads/spawn.js';
import type { FixtureReply } from './fixture.js';

/** One knob for every delay and deadline in the tests (JSR-166's SHORT_DELAY_MS idea). */
export const DEADLINE_MS = Number(process.env.TEST_DEADLINE_MS ?? 60_000);

export function fixtureUrl(name: string): URL {
  return new URL(`../fixtures/${name}.ts`, import.meta.url);
}

export interface Started<R> {
  worker: Worker;
  /** Settles with the fixture's result, or rejects with its error, exit, or a missed deadline. */
  result: Promise<R>;
}

/** Starts `fixture` in a worker with `data`; the result must arrive within `deadlineMs`. */
export function startFixture<R = unknown>(fixture: string, data: object = {}, deadlineMs = DEADLINE_MS): Started<R> {
  const worker = spawnWorker(fixtureUrl(fixture), { workerData: data });
  const result = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`fixture ${fixture} did not finish within ${deadlineMs} ms (terminated)`));
    }, deadlineMs);
    const done = (): void => clearTimeout(timer);
    worker.on('message', (msg: FixtureReply) => {
      if ('ok' in msg) {
        done();
        resolve(msg.ok as R);
      } else if ('error' in msg) {
        done();
        const e = new Error(`in worker (${fixture}): ${msg.error.message}`);
        e.name = msg.error.name;
        e.stack = `${e.name}: ${e.message}\n--- worker stack ---\n${msg.error.stack ?? ''}`;
        reject(e);
      }
    });
    worker.on('error', (e) => {
      done();
      reject(e);
    });
    worker.on('exit', (code) => {
      done();
      reject(new Error(`fixture ${fixture} exited with code ${code} before reporting a result`));
    });
  });
  return { worker, result };
}

/** Runs `fixture` once and returns its result. */
export function runFixture<R = unknown>(fixture: string, data: object = {}, deadlineMs = DEADLINE_MS): Promise<R> {
  return startFixture<R>(fixture, data, deadlineMs).result;
}

/** Runs `n` copies of `fixture` at once (data per index) and returns their results in order. */
export function runFixtures<R = unknown>(
  n: number,
  fixture: string,
  dataFor: (i: number) => object,
  deadlineMs = DEADLINE_MS,
): Promise<R[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => runFixture<R>(fixture, dataFor(i), deadlineMs)));
}

/** Rejects if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
