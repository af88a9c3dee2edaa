import { Box, Text } from 'ink';
import type { Summary } from '../pipeline/types.js';
import { formatSummary } from './plain.js';
import { useTheme } from './use-theme.js';
import { wrapWords } from './wrap.js';

export interface SummaryViewProps {
  summary: Summary;
  columns: number;
  rows: number;
}

/**
 * The view left on screen when a run ends: the same lines as the plain summary (plain.ts), the
 * first coloured by how the run ended, the bottleneck and any error (and where it was thrown)
 * picked out. Long lines wrap between words (wrap.ts) when the whole still fits the terminal (it
 * must stay shorter than it, or Ink would clear the screen); otherwise they truncate.
 */
export function SummaryView({ summary, columns, rows }: SummaryViewProps) {
  const theme = useTheme();
  const lines = formatSummary(summary).split('\n');
  const wrapped = lines.map((line) => wrapWords(line, columns));
  const fits = wrapped.reduce((n, parts) => n + parts.length, 0) < rows;
  const style = (line: string, i: number) => {
    if (i === 0) return theme.ending(summary.endedBy);
    if (line.startsWith('Error:') || line.startsWith('  at ')) return theme.error();
    return line.startsWith('Bottleneck:') ? theme.bottleneck() : {};
  };
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed lines, redrawn whole; a line's place is its identity
        <Text key={i} wrap="truncate-end" {...style(line, i)}>
          {fits ? wrapped[i]!.join('\n') : line}
        </Text>
      ))}
    </Box>
  );
}
