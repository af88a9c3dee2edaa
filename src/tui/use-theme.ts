import { useContext } from 'react';
import { ThemeContext } from './theme-context.js';
import type { Theme } from './theme.js';

/** The current dashboard theme (see theme.ts). */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
