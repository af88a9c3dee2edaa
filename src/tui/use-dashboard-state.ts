import { useSyncExternalStore } from 'react';
import type { DashboardState, DashboardStore } from './dashboard-store.js';

/** The store's current state; re-renders once per store notification. */
export function useDashboardState(store: DashboardStore): DashboardState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
