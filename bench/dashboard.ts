/**
 * Dashboard overhead: the same pipeline (built-in workload, no per-item work, so the queue and the
 * workers are the whole cost) run headless and with the Ink dashboard drawing every snapshot at
 * the default refresh, on a stand-in terminal that swallows the frames. On a machine with few
 * cores the main thread's rendering competes with the workers, which is what this row measures.
 *
 * The frame cost: the snapshots of a headless run drawn again, one frame each, with no workers
 * running, so the process's CPU time is the dashboard's alone — React's render, Ink's layout and
 * diff, and the write — divided by the frames drawn. The sampling that makes each snapshot is the
 * pipeline's (the headless run pays it too) and is not in it.
 */
import './production-react.js'; // first: before anything loads React
import { EventEmitter } from 'node:events';
import { guardRun } from '../dist/cli/interrupts.js';
import { startPipeline } from '../dist/pipeline/run-pipeline.js';
import type { Snapshot } from '../dist/pipeline/types.js';
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

async function pipelineRun(items: number, withDashboard: boolean, kept?: Snapshot[]): Promise<PipelineResult> {
  const config = { items, produceMs: 0, consumeMs: 0, jitter: 0 };
  const terminal = new NullTerminal();
  let frames = 0;
  if (!withDashboard) {
    const run = startPipeline(config, {
      onSnapshot: (snapshot) => {
        frames++;
        kept?.push(snapshot);
      },
    });
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

const NO_CONTROLS = {
  stop() {},
  abort() {},
  pause() {},
  resume() {},
  addWorker() {},
  removeWorker() {},
  interrupt() {},
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU ms per frame of the dashboard drawing `snapshots`, one frame each (see the header). */
export async function frameCost(snapshots: Snapshot[]): Promise<{ ms: number; frames: number; bytes: number }> {
  const terminal = new NullTerminal();
  const stream = terminal as unknown as NodeJS.WriteStream;
  // Paced far above the default 10 frames/s, so every push is a frame of its own.
  const ui = startDashboard({
    controls: NO_CONTROLS,
    color: true,
    stdout: stream,
    stdin: offlineStdin(),
    stderr: stream,
    maxFps: 500,
  });
  for (const s of snapshots.slice(0, 5)) {
    ui.push(s); // warm-up: the first frames compile the code
    await pause(3);
  }
  const bytesBefore = terminal.bytes;
  const began = process.cpuUsage();
  for (const s of snapshots.slice(5)) {
    ui.push(s);
    await pause(3);
  }
  const used = process.cpuUsage(began);
  ui.unmount();
  await ui.waitUntilExit();
  const frames = snapshots.length - 5;
  return { ms: (used.user + used.system) / 1000 / frames, frames, bytes: (terminal.bytes - bytesBefore) / frames };
}

export async function dashboardBenchmarks(quick: boolean): Promise<Row[]> {
  // Long enough for the sampler to take tens of snapshots at the default refresh (100 ms).
  const items = quick ? 300_000 : 2_000_000;
  const runs = quick ? 1 : 5;
  const headless: PipelineResult[] = [];
  const drawn: PipelineResult[] = [];
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternated, so a slow spell on a shared machine hits both sides alike.
    headless.push(await pipelineRun(items, false, i === 0 ? snapshots : undefined));
    drawn.push(await pipelineRun(items, true));
  }
  const a = median(headless.map((r) => r.rate));
  const b = median(drawn.map((r) => r.rate));
  const config = 'pipeline 2P3C, capacity 16, no per-item work';
  const costs = [];
  for (let i = 0; i < runs; i++) costs.push(await frameCost(snapshots));
  const frame = median(costs.map((c) => c.ms));
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
    {
      group: 'dashboard',
      name: 'dashboard frame: React render + Ink layout and diff + write, CPU per frame',
      value: frame,
      unit: 'ms',
      note:
        `${costs[0]!.frames} frames of that run, ${median(costs.map((c) => c.bytes)).toFixed(0)} bytes each; ` +
        `at 10 frames/s, ${frame.toFixed(1)} % of a core`,
    },
  ];
}
