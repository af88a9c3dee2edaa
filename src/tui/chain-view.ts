/**
 * The chain as the dashboard and the plain output name it: producers → queue → stage → … →
 * consumers. A one-link run keeps its familiar names ("Queue", "Produced", "Consumed").
 */
import type { Snapshot } from '../pipeline/types.js';

type Chain = Pick<Snapshot, 'stages' | 'links' | 'rates' | 'totals'>;

/**
 * Items/s of stage `i`: the chain's two ends are the run's own rates (made, taken), a stage in
 * between the rate it takes items at.
 */
export function stageRate(s: Pick<Snapshot, 'stages' | 'rates'>, i: number): number {
  if (i === 0) return s.rates.produced;
  if (i === s.stages.length - 1) return s.rates.consumed;
  return s.stages[i]?.rate ?? 0;
}

/** Whether the run has stages between its producers and consumers. */
export const isStaged = (s: Pick<Snapshot, 'stages'>): boolean => s.stages.length > 2;

/** A name cut to `width` characters, with "…" when it had to be cut. */
export function clip(name: string, width: number): string {
  return name.length <= width ? name : `${name.slice(0, Math.max(0, width - 1))}…`;
}

/** The label of stage `i`'s line: "Produced", the stage's name (at most 8 characters), "Consumed". */
export function stageLabel(s: Pick<Snapshot, 'stages'>, i: number): string {
  if (i === 0) return 'Produced';
  if (i === s.stages.length - 1) return 'Consumed';
  return clip(s.stages[i]?.name ?? `stage ${i}`, 8);
}

/** The label of link `i`'s line: "Queue" when there is one, else "Queue 1", "Queue 2", …. */
export function linkLabel(s: Pick<Snapshot, 'links'>, i: number): string {
  return s.links.length === 1 ? 'Queue' : `Queue ${i + 1}`;
}

/** One line of the chain panel, in chain order: stage 0, link 0, stage 1, …; or a fold. */
export type ChainItem =
  | { kind: 'stage'; index: number }
  | { kind: 'link'; index: number }
  | { kind: 'fold'; stages: number; links: number };

const itemAt = (j: number): ChainItem =>
  j % 2 === 0 ? { kind: 'stage', index: j / 2 } : { kind: 'link', index: (j - 1) / 2 };

/**
 * The chain's lines for at most `lines` lines. When not all fit, the producers, the first
 * queue and the consumers stay, then the stages in `keep` (the selected one, the bottleneck),
 * then their input queues, then the rest in order; each run of hidden lines folds into one
 * "+2 stages, 3 queues" line. Never fewer than three lines.
 */
export function pickChain(s: Pick<Chain, 'stages'>, lines: number, keep: readonly number[] = []): ChainItem[] {
  const total = 2 * s.stages.length - 1;
  if (total <= lines) return Array.from({ length: total }, (_, j) => itemAt(j));
  const last = total - 1;
  const kept = keep.filter((i) => i > 0 && i < s.stages.length - 1);
  const priority = [0, last, 1, ...kept.map((i) => 2 * i), ...kept.map((i) => 2 * i - 1)];
  for (let j = 0; j <= last; j++) priority.push(j);
  const shown = new Set<number>();
  const height = (set: ReadonlySet<number>): number => {
    let n = set.size;
    for (let j = 0; j <= last; j++) if (!set.has(j) && (j === 0 || set.has(j - 1))) n++;
    return n;
  };
  for (const j of priority) {
    if (shown.has(j)) continue;
    const next = new Set(shown).add(j);
    if (shown.size < 2 || height(next) <= Math.max(3, lines)) shown.add(j);
  }
  const items: ChainItem[] = [];
  for (let j = 0; j <= last; j++) {
    if (shown.has(j)) {
      items.push(itemAt(j));
      continue;
    }
    const fold = items.at(-1);
    if (fold?.kind === 'fold') {
      if (j % 2 === 0) fold.stages++;
      else fold.links++;
    } else items.push({ kind: 'fold', stages: j % 2 === 0 ? 1 : 0, links: j % 2 === 1 ? 1 : 0 });
  }
  return items;
}
