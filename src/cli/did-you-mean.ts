/**
 * "Did you mean": yargs' own messages rewritten into ones that name what the user typed, with the
 * known flag closest to an unknown one.
 */
import { FLAGS } from '../pipeline/config.js';

/** Every long flag some command knows: one of these given to another command is named as such. */
const KNOWN_FLAGS = new Set([
  ...Object.values(FLAGS),
  ...['--plain', '--json', '--color', '--no-color', '--record', '--metrics'],
  ...['--quick', '--speed', '--help', '--version'],
  ...['--stream', '--group', '--broker', '--role', '--wait-ms', '--keep'],
  ...['-p', '-c', '-q', '-n'],
]);

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

/**
 * The flag of `known` (long names, no dashes) that `typed` is most likely a slip for: another flag
 * (never the one typed) within a typo or two — one edit for names up to 5 letters, two beyond —
 * or undefined, since a far-fetched guess (`--bogus`: `--items`?) misleads more than none.
 */
export function closestFlag(typed: string, known: Iterable<string>): string | undefined {
  const bare = typed.replace(/^-+/, '');
  const reach = bare.length <= 5 ? 1 : 2;
  let best: { flag: string; d: number } | undefined;
  for (const name of known) {
    if (name.length < 2 || name === bare) continue;
    const d = distance(bare, name);
    if (d <= reach && (best === undefined || d < best.d)) best = { flag: `--${name}`, d };
  }
  return best?.flag;
}

const COMMANDS = ['run', 'demo', 'replay', 'worker', 'watch'];

/** What each command's required argument is, for the line that says it is missing. */
const MISSING_POSITIONAL: Readonly<Record<string, string>> = {
  replay: 'the metrics log to play, as in: pipeline-tui replay run.jsonl (a run writes it with --metrics)',
  watch: "the broker's address, as in: pipeline-tui watch redis://localhost:6379 --stream jobs",
};

/**
 * Rewrites yargs' own messages into ones that name what the user typed: "Unknown argument: bogus"
 * becomes "unknown flag --bogus; see pipeline-tui --help", with "(did you mean --json?)" when one
 * of the command's own flags (`known`) is a typo away, and a flag of another command is named as
 * such: "worker does not take --record; see pipeline-tui worker --help".
 */
export function usageMessage(message: string, argv: readonly string[], known: Iterable<string>): string {
  // The command is the first word (yargs takes no flag before it that would change the answer).
  const command = COMMANDS.find((c) => c === argv.find((t) => !t.startsWith('-'))) ?? 'run';
  const help = `see pipeline-tui ${command === 'run' ? '' : `${command} `}--help`;
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
    if (flag === undefined) return `unexpected argument "${names[0]}"; ${help}`;
    if (KNOWN_FLAGS.has(flag)) return `${command} does not take ${flag}; ${help}`;
    const guess = closestFlag(flag, known);
    return `unknown flag ${flag}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; ${help}`;
  }
  // yargs' "Not enough non-option arguments: got 0, need at least 1": say what the command lacks.
  if (/^Not enough non-option arguments/.test(message)) {
    const wanted = MISSING_POSITIONAL[command];
    if (wanted !== undefined) return `${command} needs ${wanted}; ${help}`;
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) {
    const name = missing[1]!;
    const token = argv.find((t) => t.startsWith('-') && t.replace(/^-+/, '') === name);
    return `${token ?? (name.length === 1 ? `-${name}` : `--${name}`)} needs a value; ${help}`;
  }
  return message;
}
