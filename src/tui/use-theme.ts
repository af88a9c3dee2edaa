import { useContext } from 'react';
import type { Theme } from './theme.js';
import { ThemeContext } from './theme-context.js';

/** The current dashboard theme (see theme.ts). */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
