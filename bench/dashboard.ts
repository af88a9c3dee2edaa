/**
 * Dashboard overhead: the same pipeline (built-in workload, no per-item work, so the queue and the
 * workers are the whole cost) run headless and with the Ink dashboard drawing every snapshot at
 * the default refresh, on a stand-in terminal that swallows the frames. On a machine with few
 * cores the main thread's rendering competes with the workers, which is what this row measures.
 */
import { EventEmitter } from 'node:events';
import { guardRun } from '../dist/cli/interrupts.js';
import { startPipeline } from '../dist/pipeline/run-pipeline.js';
import { offlineStdin } from '../dist/record/tapped-terminal.js';
import { startDashboard } from '../dist/tui/run-dashboard.js';
import { median, type Row } from './table.js';

/** A TTY-like stdout of 120×40 that counts the bytes Ink writes and keeps none of them. */
class NullTerminal extends EventEmitter {
  readonly isTTY = true;
  columns = 120;
  rows = 40;
  bytes = 0;
  write(chunk: string): boolean {
    this.bytes += chunk.length;
    return true;
  }
}

interface PipelineResult {
  rate: number;
  verified: boolean;
  frames: number;
}

async function pipelineRun(items: number, withDashboard: boolean): Promise<PipelineResult> {
  const config = { items, produceMs: 0, consumeMs: 0, jitter: 0 };
  const terminal = new NullTerminal();
  let frames = 0;
  if (!withDashboard) {
    const run = startPipeline(config, { onSnapshot: () => frames++ });
    const s = await run.done;
    return {
      rate: s.itemsPerSecond,
      verified: s.endedBy === 'completed' && s.produced === items && s.consumed === items,
      frames,
    };
  }
  let ui: ReturnType<typeof startDashboard> | undefined;
  const run = startPipeline(config, {
    onSnapshot: (snapshot) => {
      frames++;
      ui?.push(snapshot);
    },
  });
  const guard = guardRun(run); // the controls the command hands its dashboard
  ui = startDashboard({
    controls: guard.controls,
    color: true,
    stdout: terminal as unknown as NodeJS.WriteStream,
    stdin: offlineStdin(),
    stderr: terminal as unknown as NodeJS.WriteStream,
  });
  const s = await run.done;
  guard.dispose();
  ui.finish(s);
  await ui.waitUntilExit();
  return {
    rate: s.itemsPerSecond,
    verified: s.endedBy === 'completed' && s.produced === items && s.consumed === items && terminal.bytes > 0,
    frames,
  };
}

export async function dashboardBenchmarks(quick: boolean): Promise<Row[]> {
  // Long enough for the sampler to take tens of snapshots at the default refresh (100 ms).
  const items = quick ? 300_000 : 2_000_000;
  const runs = quick ? 1 : 5;
  const headless: PipelineResult[] = [];
  const drawn: PipelineResult[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternated, so a slow spell on a shared machine hits both sides alike.
    headless.push(await pipelineRun(items, false));
    drawn.push(await pipelineRun(items, true));
  }
  const a = median(headless.map((r) => r.rate));
  const b = median(drawn.map((r) => r.rate));
  const config = 'pipeline 2P3C, capacity 16, no per-item work';
  return [
    {
      group: 'dashboard',
      name: `${config}, headless`,
      value: a,
      unit: 'items/s',
      verified: headless.every((r) => r.verified),
      note: 'counts: produced = consumed = items',
    },
    {
      group: 'dashboard',
      name: `${config}, with the dashboard (default refresh)`,
      value: b,
      unit: 'items/s',
      verified: drawn.every((r) => r.verified),
      note: `${median(drawn.map((r) => r.frames))} snapshots drawn`,
    },
    {
      group: 'dashboard',
      name: 'dashboard overhead: throughput kept with the dashboard',
      value: (100 * b) / a,
      unit: '%',
      goal: { text: '≥ 97 %', target: 97, better: 'higher' },
    },
  ];
}
