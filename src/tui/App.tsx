import { Text } from 'ink';
import { type ReactNode, useMemo } from 'react';
import type { DashboardControls } from '../pipeline/types.js';
import { Dashboard } from './Dashboard.js';
import type { DashboardStore } from './dashboard-store.js';
import { type KeyMap, RUN_KEY_MAP } from './keys.js';
import { SummaryView } from './SummaryView.js';
import { createTheme } from './theme.js';
import { ThemeContext } from './theme-context.js';
import { useDashboardState } from './use-dashboard-state.js';
import { useKeys } from './use-keys.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  store: DashboardStore;
  controls: DashboardControls;
  color: boolean;
  /** The keys (default: a live run's; REPLAY_KEY_MAP for a replay). */
  keys?: KeyMap;
}

/**
 * The dashboard app: reads the store (one update per snapshot), the terminal size and the keys,
 * and shows the live Dashboard — or, once the run has ended, the final SummaryView.
 */
export function App({ store, controls, color, keys = RUN_KEY_MAP }: AppProps) {
  const { snapshot, history, summary } = useDashboardState(store);
  const { columns, rows } = useTerminalSize();
  const { helpOpen, selected, stopRequested } = useKeys(controls, snapshot?.state, snapshot?.stages.length);
  const theme = useMemo(() => createTheme(color), [color]);
  let view: ReactNode;
  if (summary !== undefined) view = <SummaryView summary={summary} columns={columns} rows={rows} />;
  else if (snapshot !== undefined)
    view = (
      <Dashboard
        snapshot={snapshot}
        history={history}
        columns={columns}
        rows={rows}
        helpOpen={helpOpen}
        stopRequested={stopRequested}
        keys={keys.help}
        selected={keys.selectsStages ? selected : undefined}
      />
    );
  else view = <Text {...theme.muted()}>pipeline-tui: starting…</Text>;
  return <ThemeContext.Provider value={theme}>{view}</ThemeContext.Provider>;
}
