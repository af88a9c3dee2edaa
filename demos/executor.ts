/**
 * Lesson: ThreadPoolExecutor — `map` and `submit`.
 *
 * A pool of worker threads runs tasks for you. `map` runs one task per item and gives the results
 * in input order (whatever order they finish in). `submit` schedules one call and returns a
 * Future: `await future.result()` gives its value — or throws the error the task threw.
 */
import { ThreadPoolExecutor } from 'pipeline-tui';
import type { LessonContext } from './lesson.js';
import { sleep } from './pause.js';

/** A task: squares `n`, taking a varied time so tasks finish out of order. */
export function square(n: number): number {
  sleep(((n * 7) % 5) * 5);
  return n * n;
}

/** A task: pretends to download `url`. */
export function download(url: string, ms: number): string {
  sleep(ms);
  return `${url}: ${url.length * 100} bytes`;
}

/** A task that fails. */
export function flaky(url: string): never {
  throw new Error(`connection reset while fetching ${url}`);
}

export interface ExecutorResult {
  inputs: number[];
  squares: number[];
  downloads: string[];
  failure: string | undefined;
}

export async function main({ quick, out }: LessonContext): Promise<ExecutorResult> {
  const pool = new ThreadPoolExecutor({ maxWorkers: quick ? 2 : 4 });
  try {
    const inputs = [1, 2, 3, 4, 5, 6, 7, 8];
    out.print(`pool.map(square, [${inputs.join(', ')}])`);
    const squares = await pool.map<number>(new URL('#square', import.meta.url), inputs);
    out.print(`  → [${squares.join(', ')}] (in input order)`);

    const urls = ['https://example.com/a', 'https://example.com/bb', 'https://example.com/ccc'];
    const futures = urls.map((url, i) =>
      pool.submit<string>(new URL('#download', import.meta.url), url, (quick ? 10 : 300) * (urls.length - i)),
    );
    out.print(`submitted ${futures.length} downloads; done right away: ${futures.filter((f) => f.done()).length}`);
    const downloads: string[] = [];
    for (const future of futures) {
      downloads.push(await future.result());
      out.print(`  result: ${downloads.at(-1)}`);
    }

    let failure: string | undefined;
    const bad = pool.submit(new URL('#flaky', import.meta.url), 'https://example.com/broken');
    try {
      await bad.result();
    } catch (error) {
      failure = (error as Error).message;
      out.print(`a failing task: future.result() throws "${failure}"`);
    }
    return { inputs, squares, downloads, failure };
  } finally {
    await pool.shutdown({ wait: true });
    out.print('pool shut down');
  }
}
