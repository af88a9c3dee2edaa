import { Box, Text } from 'ink';
import { type KeyHelp, LEGEND } from './keys.js';
import { useTheme } from './use-theme.js';

/**
 * The `?` panel: every key with a sentence, then what the worker states mean. Its height is
 * helpPanelLines(keys) (dashboard-layout.ts), which the layout reserves while it is open.
 */
export function HelpPanel({ keys }: { keys: readonly KeyHelp[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" {...theme.label()}>
        Help <Text {...theme.muted()}>(? or Esc to close)</Text>
      </Text>
      {keys.map((k) => (
        <Text key={k.keys} wrap="truncate-end">
          {'  '}
          <Text {...theme.key()}>{k.keys.padEnd(5)}</Text>
          {k.long}
        </Text>
      ))}
      {LEGEND.map((line) => (
        <Text key={line} wrap="truncate-end" {...theme.muted()}>
          {'  '}
          {line}
        </Text>
      ))}
    </Box>
  );
}
