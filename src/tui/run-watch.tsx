/**
 * The dashboard sink of `watch`: mounts WatchView on the terminal, takes WatchSnapshots, keeps the
 * sparkline's history, and calls `onQuit` for q or Ctrl-C. `unmount()` leaves the last frame.
 */
import { render, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { WatchSnapshot } from '../broker/watch-source.js';
import { createTheme } from './theme.js';
import { ThemeContext } from './theme-context.js';
import { useTerminalSize } from './use-terminal-size.js';
import { WatchView } from './WatchView.js';

/** Sparkline samples kept (one per refresh). */
const HISTORY = 60;

type Listener = (s: WatchSnapshot) => void;

function WatchApp({
  subscribe,
  onQuit,
  color,
}: {
  subscribe: (l: Listener) => () => void;
  onQuit: () => void;
  color: boolean;
}) {
  const [state, setState] = useState<{ snapshot?: WatchSnapshot; history: number[] }>({ history: [] });
  useEffect(
    () =>
      subscribe((snapshot) =>
        setState((prev) => ({ snapshot, history: [...prev.history, snapshot.addedPerSecond].slice(-HISTORY) })),
      ),
    [subscribe],
  );
  const { isRawModeSupported } = useStdin();
  useInput((input, key) => (input === 'q' || (key.ctrl && input === 'c') ? onQuit() : undefined), {
    isActive: isRawModeSupported,
  });
  const { columns, rows } = useTerminalSize();
  const theme = useMemo(() => createTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      {state.snapshot && <WatchView snapshot={state.snapshot} history={state.history} columns={columns} rows={rows} />}
    </ThemeContext.Provider>
  );
}

export interface WatchDashboard {
  push(snapshot: WatchSnapshot): void;
  unmount(): Promise<void>;
}

export function startWatchDashboard({ color, onQuit }: { color: boolean; onQuit: () => void }): WatchDashboard {
  const listeners = new Set<Listener>();
  let latest: WatchSnapshot | undefined;
  const subscribe = (l: Listener): (() => void) => {
    listeners.add(l);
    if (latest) l(latest);
    return () => listeners.delete(l);
  };
  const instance = render(<WatchApp subscribe={subscribe} onQuit={onQuit} color={color} />, {
    exitOnCtrlC: false,
    patchConsole: true,
  });
  const exited = instance.waitUntilExit().then(() => undefined);
  exited.catch(() => {});
  return {
    push(snapshot) {
      latest = snapshot;
      for (const l of listeners) l(snapshot);
    },
    async unmount() {
      // React commits the last push in a later task: unmount after it, so the last frame stays.
      await new Promise((r) => setTimeout(r, 0));
      instance.unmount();
      await exited;
    },
  };
}
