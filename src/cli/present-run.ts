/**
 * Shows a run — live or replayed — through every sink the request asks for, all fed by the one
 * Snapshot stream: the Ink dashboard on a terminal (or plain progress lines, or nothing but the
 * final JSON), the metrics log (`--metrics`), and the asciicast (`--record`) of what the
 * dashboard drew. Without a terminal a recording still gets the dashboard, drawn off-screen.
 * Ends with the summary on screen and an exit code that says how the run ended.
 */
import type { DashboardControls, PipelineConfig, RunControls, Snapshot, Summary } from '../pipeline/types.js';
import { CastWriter } from '../record/asciicast.js';
import { MetricsLogWriter } from '../record/metrics-log.js';
import { phaseMarkers } from '../record/phase-markers.js';
import { OffscreenTerminal, offlineStdin, TappedTerminal, type TerminalLike } from '../record/tapped-terminal.js';
import { decisionLine, newDecisions } from '../tui/autoscale-text.js';
import { bundled } from '../tui/bundled.js';
import type { KeyMap } from '../tui/keys.js';
import { formatProgressLine, formatSummary, summaryJson } from '../tui/plain.js';
import type { DashboardHandle } from '../tui/run-dashboard.js';
import { type GuardedRun, guardRun, type StopReason } from './interrupts.js';
import { isReaderGone, Notices, whyUnwritable } from './notices.js';
import type { OutputMode } from './output-mode.js';
import { EXIT, UsageError } from './usage-error.js';
import { VERSION } from './version.js';

/** A run to show: a live pipeline or a replay. */
export interface RunSource extends RunControls {
  readonly done: Promise<Summary>;
}

export interface Presentation {
  config: PipelineConfig;
  output: OutputMode;
  color: boolean;
  /** asciicast v2 file to record the dashboard into. */
  record?: string | undefined;
  /** JSONL metrics log to write. */
  metrics?: string | undefined;
  /** The dashboard's keys (default: a live run's). */
  keys?: KeyMap;
  /**
   * The dashboard's first frame, drawn before the source is started (a live run's
   * startingSnapshot: its chain, every worker starting), so that frame waits for no worker.
   */
  first?: Snapshot;
}

/** Size of the off-screen terminal a headless recording is drawn on. */
export const OFFSCREEN = { columns: 100, rows: 32 } as const;

/** The exit code for how a run ended: 141 when it was stopped because stdout stopped taking output. */
export function exitCodeFor(summary: Summary, guard: Pick<GuardedRun, 'aborted' | 'abortCode' | 'stoppedBy'>): number {
  if (summary.endedBy === 'failed') return EXIT.failed;
  if (summary.endedBy === 'stalled') return EXIT.stalled;
  if (guard.aborted || summary.endedBy === 'aborted') return guard.abortCode;
  return guard.stoppedBy === 'output-closed' ? EXIT.outputClosed : EXIT.ok;
}

/** What the first graceful stop says where there is no dashboard to show it (nothing for a closed stdout). */
function stoppingNotice(reason: StopReason): string | undefined {
  if (reason === 'output-closed') return undefined;
  const again = reason === 'key' || reason === 'SIGINT' ? 'Ctrl-C again' : `${reason} again, or Ctrl-C,`;
  return `pipeline-tui: ${reason === 'key' ? 'stopping' : `${reason}: stopping`} gracefully (${again} to abort)`;
}

/** Starts the source (handing it the snapshot listener), shows it to its end, resolves with the exit code. */
export async function presentRun(
  start: (onSnapshot: (s: Snapshot) => void) => RunSource,
  p: Presentation,
): Promise<number> {
  const notices = new Notices();
  // A file that stops taking lines mid-run (a full disk) is said once; the run goes on without it.
  const stopped =
    (flag: string, path: string) =>
    (error: NodeJS.ErrnoException, lines: number): void =>
      notices.say(`${flag} ${path}: cannot write it (${whyUnwritable(error)}): it ends at line ${lines}`);
  const metrics =
    p.metrics !== undefined
      ? creating(
          '--metrics',
          p.metrics,
          (path) => new MetricsLogWriter(path, p.config, VERSION, { onStop: stopped('--metrics', path) }),
        )
      : undefined;
  // Where the dashboard draws: the terminal, or off-screen when it is only recorded.
  const terminal =
    p.output === 'dashboard'
      ? process.stdout
      : p.record !== undefined
        ? new OffscreenTerminal(OFFSCREEN.columns, OFFSCREEN.rows)
        : undefined;
  // Output files are opened before the run starts, so a bad path stops nothing half-way.
  const cast =
    p.record !== undefined && terminal !== undefined
      ? creating(
          '--record',
          p.record,
          (path) => new CastWriter(path, { ...castHeader(p.config, terminal), onStop: stopped('--record', path) }),
        )
      : undefined;
  let ui: DashboardHandle | undefined;
  let previous: Snapshot | undefined;
  let lastLine = -Infinity;
  // A stdout that nobody reads (`| head`, a closed terminal) stops the run, quietly: no more
  // output, a graceful stop, and exit 141 as for SIGPIPE. One that cannot be written (a file on a
  // full disk) does the same, and says why. Without this listener the write error would crash the
  // process and leave the run's workers to die with it.
  let outputClosed = false;
  const out = (text: string): Promise<void> =>
    new Promise((resolve) => {
      if (outputClosed) return resolve();
      process.stdout.write(text, (error) => {
        if (error) onOutputError(error);
        resolve();
      });
    });
  const onOutputError = (error?: NodeJS.ErrnoException): void => {
    if (outputClosed) return;
    outputClosed = true;
    if (!isReaderGone(error)) notices.say(`stdout: cannot write it (${whyUnwritable(error!)})`);
    guard?.request('output-closed');
  };

  const onSnapshot = (s: Snapshot): void => {
    metrics?.snapshot(s);
    for (const label of phaseMarkers(previous, s)) cast?.marker(label);
    if (p.output === 'plain') for (const d of newDecisions(previous, s)) void out(`${decisionLine(d)}\n`);
    previous = s;
    ui?.push(s);
    if (p.output === 'plain' && s.t - lastLine >= 1000) {
      lastLine = s.t;
      void out(`${formatProgressLine(s)}\n`);
    }
  };

  // Ink and React load before the run starts: that takes a while on a busy machine, and a run
  // that ended meanwhile was never drawn live (nor recorded) at all.
  const startDashboard = terminal !== undefined ? await loadDashboard() : undefined;
  // Mounted, and its first frame (p.first) written, before the source starts: the workers then
  // load while that frame is on screen, not before it. The source starts in this same task, so
  // no key can reach the controls before there is a run behind them, nor a snapshot come first.
  let guard: GuardedRun | undefined;
  if (startDashboard !== undefined && terminal !== undefined) {
    ui = mountDashboard(
      startDashboard,
      p,
      forwardTo(() => guard!.controls),
      terminal,
      cast,
    );
    if (terminal === process.stdout) notices.hold();
  }
  try {
    const source = start(onSnapshot);
    guard = guardRun(source, (reason) => {
      const notice = stoppingNotice(reason);
      if (p.output !== 'dashboard' && notice !== undefined) process.stderr.write(`${notice}\n`);
    });
    // Left on after the run too: a last write's error arrives later, and once the run is over a
    // stop request is a no-op.
    process.stdout.on('error', onOutputError);
    const summary = await source.done;
    if (ui) {
      ui.finish(summary);
      await ui.waitUntilExit();
    }
    notices.release();
    metrics?.finish(summary);
    // Waited for: a summary that could not be written must show in the exit code.
    if (p.output === 'json') await out(`${summaryJson(summary)}\n`);
    else if (p.output === 'plain') await out(`${formatSummary(summary)}\n`);
    return exitCodeFor(summary, guard);
  } finally {
    notices.release();
    guard?.dispose();
    ui?.unmount();
    cast?.close();
    metrics?.close();
  }
}

function castHeader(c: PipelineConfig, terminal: TerminalLike) {
  return {
    width: terminal.columns || 80,
    height: terminal.rows || 24,
    title:
      `pipeline-tui: ${c.producers} producers → ${c.stages.map((s) => `${s.name} ×${s.workers} → `).join('')}` +
      `${c.consumers} consumers, capacity ${c.capacity}`,
  };
}

type StartDashboard = typeof import('../tui/run-dashboard.js').startDashboard;

async function loadDashboard(): Promise<StartDashboard> {
  // Ink draws no live frames when it believes it runs in CI (is-in-ci reads CI once, on import),
  // and chalk then drops colours. The dashboard is only chosen for a terminal or a recording,
  // and both want every frame; whether to colour is our own decision (colorEnabled).
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  return ((await import(bundled('run-dashboard'))) as typeof import('../tui/run-dashboard.js')).startDashboard;
}

/** Controls that pass every request to `target()`'s, whatever they are by the time a key is pressed. */
function forwardTo(target: () => DashboardControls): DashboardControls {
  return {
    stop: () => target().stop(),
    interrupt: () => target().interrupt(),
    abort: () => target().abort(),
    pause: () => target().pause(),
    resume: () => target().resume(),
    addWorker: (stage) => target().addWorker(stage),
    removeWorker: (stage) => target().removeWorker(stage),
    step: (delta) => target().step?.(delta),
  };
}

function mountDashboard(
  startDashboard: StartDashboard,
  p: Presentation,
  controls: DashboardControls,
  terminal: TerminalLike,
  cast: CastWriter | undefined,
): DashboardHandle {
  const onScreen = terminal === process.stdout;
  const sized = terminal.columns > 0 && terminal.rows > 0;
  const stdout =
    cast !== undefined || !sized
      ? (new TappedTerminal(terminal, cast) as unknown as NodeJS.WriteStream)
      : process.stdout;
  const ui = startDashboard({
    controls,
    color: p.color,
    keys: p.keys,
    stdout,
    // Off-screen, nobody types: a stdin that is not a terminal keeps the keys off.
    ...(onScreen ? {} : { stdin: offlineStdin() }),
    maxFps: Math.min(30, 1000 / p.config.refreshMs),
    first: p.first,
  });
  return ui;
}

/** Creates an output file, turning a path that cannot be written into a UsageError naming the flag. */
function creating<T>(flag: string, path: string, create: (path: string) => T): T {
  try {
    return create(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot write it (${whyUnwritable(error as NodeJS.ErrnoException)})`);
  }
}
