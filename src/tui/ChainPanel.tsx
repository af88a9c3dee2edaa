import { Box, Text } from 'ink';
import type { Snapshot } from '../pipeline/types.js';
import { type ChainItem, linkLabel, pickChain, stageLabel, stageRate } from './chain-view.js';
import { LABEL_WIDTH, type LineWidths } from './dashboard-layout.js';
import { count, percent, rate } from './format.js';
import type { History } from './history.js';
import { QueueLine } from './QueueLine.js';
import { Sparkline } from './Sparkline.js';
import { useTheme } from './use-theme.js';

export interface ChainPanelProps {
  snapshot: Snapshot;
  history: History;
  widths: LineWidths;
  columns: number;
  /** Lines it may take (dashboardLayout); the rest of the chain folds. */
  lines: number;
  /** The stage the + and - keys act on, highlighted; undefined when there is no selection (replay). */
  selected?: number | undefined;
}

const pct = (f: number): string => percent(f).padStart(4);

/**
 * What stage `i` did: items/s now, then its totals and the share of its time spent blocked —
 * "   98/s  total 1,204  blocked  30%" at the ends; for a stage in between its items in, out and
 * dropped, and blocked on its input (waiting for items) and its output (waiting for room).
 */
export function stageText(s: Snapshot, i: number): string {
  const stage = s.stages[i]!;
  const now = rate(stageRate(s, i)).padStart(9);
  if (i === 0) return `${now}  total ${count(s.totals.produced)}  blocked ${pct(stage.blockedOnOutput)}`;
  if (i === s.stages.length - 1)
    return `${now}  total ${count(s.totals.consumed)}  blocked ${pct(stage.blockedOnInput)}`;
  return (
    `${now}  in ${count(stage.in)}  out ${count(stage.out)}  dropped ${count(stage.dropped)}  ` +
    `blocked in ${pct(stage.blockedOnInput)} out ${pct(stage.blockedOnOutput)}`
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The chain, one line each, in the order items travel: producers, queue, stage, queue, …,
 * consumers. A stage line shows its rate now, totals and blocked shares and, on one scale for
 * all stages, its rate over the last minute; a queue line its depth gauge and depth over the
 * last minute. A run of one queue reads "Produced / Queue / Consumed". When the terminal is
 * short, stages fold into "⋮ +2 stages, 2 queues" (the selected one and the bottleneck stay).
 */
export function ChainPanel({ snapshot: s, history, widths, columns, lines, selected }: ChainPanelProps) {
  const theme = useTheme();
  const texts = s.stages.map((_, i) => stageText(s, i));
  // Wide enough for every stage's text, so the sparklines line up; no wider than the terminal.
  const body = Math.min(Math.max(widths.body, ...texts.map((t) => t.length + 2)), columns - LABEL_WIDTH);
  const w: LineWidths = { ...widths, body, spark: Math.max(0, Math.min(history.size, columns - LABEL_WIDTH - body)) };
  const max = Math.max(0, ...history.rates.flat());
  const keep = [selected, s.bottleneck?.stage].filter((i): i is number => i !== undefined);
  const last = s.stages.length - 1;
  const line = (item: ChainItem, n: number) => {
    if (item.kind === 'link') {
      const i = item.index;
      return (
        <QueueLine
          key={`link${i}`}
          label={linkLabel(s, i)}
          link={s.links[i]!}
          depths={history.depths[i] ?? []}
          widths={w}
        />
      );
    }
    if (item.kind === 'fold') {
      const what = [item.stages > 0 && plural(item.stages, 'stage'), item.links > 0 && plural(item.links, 'queue')];
      return (
        <Text key={`fold${n}`} wrap="truncate-end" {...theme.muted()}>
          {`  ⋮ +${what.filter(Boolean).join(', ')}`}
        </Text>
      );
    }
    const i = item.index;
    const label = stageLabel(s, i);
    const isSelected = i === selected;
    return (
      <Text key={`stage${i}`} wrap="truncate-end">
        <Text {...(isSelected ? theme.selected() : {})} {...theme.label()}>
          {(isSelected ? `▸${label}` : label).padEnd(LABEL_WIDTH)}
        </Text>
        {texts[i]!.padEnd(w.body)}
        <Sparkline
          values={history.rates[i] ?? []}
          width={w.spark}
          max={max}
          style={i === last ? theme.consumed() : theme.produced()}
        />
      </Text>
    );
  };
  return <Box flexDirection="column">{pickChain(s, lines, keep).map(line)}</Box>;
}
