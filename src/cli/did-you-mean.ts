/**
 * "Did you mean": yargs' own messages rewritten into ones that name what the user typed, with the
 * known flag closest to an unknown one.
 */
import { FLAGS } from '../pipeline/config.js';

/** Every long flag the command knows, for "did you mean" (the run flags come from FLAGS). */
const KNOWN_FLAGS = [
  ...new Set([
    ...Object.values(FLAGS),
    ...['--plain', '--json', '--color', '--no-color', '--record', '--metrics'],
    ...['--quick', '--speed', '--help', '--version'],
    ...['--stream', '--group', '--broker', '--role'],
  ]),
];

/** Edit distance (Levenshtein), for the closest known flag. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The known flag closest to what the user typed. */
export function closestFlag(typed: string): string {
  const bare = typed.replace(/^-+/, '');
  return KNOWN_FLAGS.reduce((best, flag) =>
    distance(bare, flag.slice(2)) < distance(bare, best.slice(2)) ? flag : best,
  );
}

/**
 * Rewrites yargs' own messages into ones that name what the user typed: "Unknown argument: bogus"
 * becomes "unknown flag --bogus (did you mean --json?); see pipeline-tui --help".
 */
export function usageMessage(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    const names = unknown[1]!.split(', ');
    // yargs names an unknown flag without its dashes, and camelCased: find the token the user typed.
    const bareOf = (token: string): string => token.replace(/^-+/, '').split('=')[0]!;
    const camel = (bare: string): string => bare.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const typed = names.map((name) => {
      const token = argv.find((t) => t.startsWith('-') && (bareOf(t) === name || camel(bareOf(t)) === name));
      return token?.split('=')[0];
    });
    const flag = typed.find((t) => t !== undefined);
    if (flag !== undefined) return `unknown flag ${flag} (did you mean ${closestFlag(flag)}?); see pipeline-tui --help`;
    return `unexpected argument "${names[0]}"; see pipeline-tui --help`;
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) {
    const name = missing[1]!;
    const token = argv.find((t) => t.startsWith('-') && t.replace(/^-+/, '') === name);
    return `${token ?? (name.length === 1 ? `-${name}` : `--${name}`)} needs a value; see pipeline-tui --help`;
  }
  return message;
}
