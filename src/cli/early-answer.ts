/**
 * `pipeline-tui --version` and `--help`, answered before yargs and the rest of the command load:
 * loading yargs was most of their start-up. The help text is yargs' own, printed once at build
 * time into dist/cli/help.txt (scripts/build.mjs), so it cannot drift from the parser. It is
 * used only where yargs would print that very text: 100 columns wide (yargs wraps at the
 * terminal's width up to 100) and in English (yargs translates its headings by locale).
 * Anything else — another command's help, a narrow terminal, another language, no help.txt —
 * goes to yargs as before.
 */
import { readFileSync } from 'node:fs';
import { VERSION } from './version.js';

/** The width the help text was printed at (parse-args.ts wraps at most there). */
export const HELP_COLUMNS = 100;
const HELP_FILE = new URL('./help.txt', import.meta.url);

/** The locale yargs would choose, as yargs reads it (LC_ALL, LC_MESSAGES, LANG, LANGUAGE). */
function yargsLocale(env: NodeJS.ProcessEnv): string {
  return (env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || env['LANGUAGE'] || 'en_US').replace(/[.:].*/, '');
}

/** What to print for `argv` without yargs, or undefined when yargs must answer. */
export function earlyAnswer(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  columns: number | undefined = process.stdout.columns,
): string | undefined {
  if (argv.length !== 1) return undefined;
  if (argv[0] === '--version') return VERSION;
  if (argv[0] !== '--help' && argv[0] !== '-h') return undefined;
  if (columns && columns < HELP_COLUMNS) return undefined;
  if (!/^(en([_-].*)?|C|POSIX)$/.test(yargsLocale(env))) return undefined;
  try {
    return readFileSync(HELP_FILE, 'utf8');
  } catch {
    return undefined; // a dist/ built without it: yargs prints the same text
  }
}
