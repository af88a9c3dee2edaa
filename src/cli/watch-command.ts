/**
 * `pipeline-tui watch <url> --stream NAME`: a read-only dashboard of a stream someone else fills,
 * as the dashboard (on a terminal), plain lines, or one JSON line per refresh. Ends on q, Ctrl-C,
 * SIGTERM or SIGHUP (exit 0), after --duration (exit 0), when stdout is closed (141), or when the
 * broker is gone for good (exit 5, one line on stderr).
 */
import { hostPort } from '../broker/broker-url.js';
import { RECONNECT_FOR_MS } from '../broker/connect.js';
import { startWatch, type WatchSnapshot } from '../broker/watch-source.js';
import { bundled } from '../tui/bundled.js';
import { formatWatchLines, watchJsonLine } from '../tui/watch-plain.js';
import { EXIT } from './usage-error.js';
import type { WatchRequest } from './watch-args.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function watchCommand(request: WatchRequest): Promise<number> {
  let stop = (): void => {};
  let outputClosed = false;
  const write = (text: string): void => {
    if (!outputClosed) process.stdout.write(`${text}\n`);
  };
  const onOutputError = (): void => {
    outputClosed = true;
    stop();
  };
  process.stdout.on('error', onOutputError);
  const dashboard =
    request.output === 'dashboard'
      ? ((await import(bundled('run-watch'))) as typeof import('../tui/run-watch.js')).startWatchDashboard({
          color: request.color,
          onQuit: () => stop(),
        })
      : undefined;
  const onSnapshot = (s: WatchSnapshot): void => {
    if (dashboard) dashboard.push(s);
    else write(request.output === 'json' ? watchJsonLine(s) : formatWatchLines(s));
  };
  let handle: Awaited<ReturnType<typeof startWatch>>;
  try {
    handle = await startWatch(request.address, {
      stream: request.stream,
      group: request.group,
      refreshMs: request.refreshMs,
      onSnapshot,
    });
  } catch (error) {
    await dashboard?.unmount();
    process.stdout.off('error', onOutputError);
    throw error;
  }
  stop = handle.stop;
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  const timer = request.durationMs === undefined ? undefined : setTimeout(stop, request.durationMs);
  const ended = await handle.done;
  clearTimeout(timer);
  for (const signal of STOP_SIGNALS) process.off(signal, stop);
  await dashboard?.unmount();
  process.stdout.off('error', onOutputError);
  if (ended.ended === 'gone') {
    process.stderr.write(
      `pipeline-tui: lost the broker at ${hostPort(request.address)}: ${ended.cause}; ` +
        `gave up after ${RECONNECT_FOR_MS / 1000} s of retrying\n`,
    );
    return EXIT.broker;
  }
  return outputClosed ? EXIT.outputClosed : EXIT.ok;
}
