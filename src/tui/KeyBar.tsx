import { Text } from 'ink';
import { Fragment } from 'react';
import type { KeyHelp } from './keys.js';
import { useTheme } from './use-theme.js';

export interface KeyBarProps {
  keys: readonly KeyHelp[];
  paused: boolean;
  /** A graceful stop is under way: say that Ctrl-C again aborts. */
  stopRequested: boolean;
  /** The selected stage's name, shown on `+/-` ("+/- keep-odd"). */
  selected?: string | undefined;
  /** Why the last key was refused (Snapshot.notice): shown in place of the keys while it lasts. */
  notice?: string | undefined;
}

/** The bottom line: each key and what it does ("q stop  ^C twice aborts  p pause …"). */
export function KeyBar({ keys, paused, stopRequested, selected, notice }: KeyBarProps) {
  const theme = useTheme();
  if (notice !== undefined)
    return (
      <Text wrap="truncate-end" {...theme.bottleneck()}>
        {notice}
      </Text>
    );
  const entries = keys.map((k) => {
    if (paused && k.pausedShort !== undefined) return { ...k, short: k.pausedShort };
    if (k.keys === '^C' && stopRequested) return { ...k, short: 'again aborts' };
    if (k.keys === 'q' && stopRequested) return { ...k, short: 'stopping…' };
    if (k.keys === '+/-' && selected !== undefined) return { ...k, short: selected };
    return k;
  });
  return (
    <Text wrap="truncate-end">
      {entries.map((k, i) => (
        <Fragment key={k.keys}>
          {i > 0 && '  '}
          <Text {...theme.key()}>{k.keys}</Text> {k.short}
        </Fragment>
      ))}
    </Text>
  );
}
