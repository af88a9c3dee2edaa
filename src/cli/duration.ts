import { UsageError } from './usage-error.js';

/** Parses "30", "30s", "1.5m" or "500ms" into milliseconds (a bare number is seconds). */
export function parseDuration(flag: string, text: string | number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(text));
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!(ms > 0))
    throw new UsageError(
      `${flag} must be a positive duration like 30, 30s, 1.5m or 500ms, got ${JSON.stringify(String(text))}`,
    );
  return ms;
}
