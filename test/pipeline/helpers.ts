import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunOptions, startPipeline } from '../../src/pipeline/run-pipeline.js';
import type { PipelineConfig, Snapshot, Summary } from '../../src/pipeline/types.js';
import { scratchDir } from '../helpers/scratch.js';
import { within } from '../helpers/workers.js';

export const userModule = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));

/** A fresh directory for the user consumer to write what it saw. */
export function outDir(): string {
  return scratchDir('test');
}

/** Every item the user consumers wrote, by consumer id. */
export function seenItems(dir: string): Map<string, Array<{ from: string; n: number }>> {
  const seen = new Map<string, Array<{ from: string; n: number }>>();
  for (const file of readdirSync(dir)) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    seen.set(
      file.replace(/\.jsonl$/, ''),
      lines.map((l) => JSON.parse(l) as { from: string; n: number }),
    );
  }
  return seen;
}

/** The run's latest Snapshot once `pred` accepts it; fails after 30 s naming `what`. */
export function latestWhen(
  run: { latest(): Snapshot | undefined },
  pred: (s: Snapshot) => boolean,
  what: string,
): Promise<Snapshot> {
  return within(
    (async () => {
      for (;;) {
        const s = run.latest();
        if (s && pred(s)) return s;
        await new Promise((r) => setTimeout(r, 10));
      }
    })(),
    30_000,
    what,
  );
}

/**
 * Runs `config` with `--autoscale` (for at most 10 minutes, never stalled by a slow machine) and
 * stops it once the autoscaler has settled; resolves with the summary and every snapshot.
 */
export async function runUntilSettled(
  config: Partial<PipelineConfig>,
  options: Pick<RunOptions, 'broker'> = {},
): Promise<{ summary: Summary; seen: Snapshot[] }> {
  const seen: Snapshot[] = [];
  const run = startPipeline(
    { jitter: 0, durationMs: 600_000, stallMs: 60_000, ...config },
    {
      ...options,
      autoscale: true,
      onSnapshot: (s) => {
        seen.push(s);
        if (s.autoscale?.done) run.stop();
      },
    },
  );
  const summary = await within(run.done, 240_000, 'the autoscaled run');
  return { summary, seen };
}
