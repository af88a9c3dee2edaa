/** The theme in effect for a dashboard tree; colour on unless a provider says otherwise. */
import { createContext } from 'react';
import { createTheme, type Theme } from './theme.js';

export const ThemeContext = createContext<Theme>(createTheme(true));
