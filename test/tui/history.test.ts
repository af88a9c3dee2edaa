/**
 * The sparkline history: per queue the highest depth in each bucket, per stage the latest rate,
 * gaps carried forward, and a fresh start for a replay that restarts or another chain.
 */
import { describe, expect, it } from 'vitest';
import { historyOf, pushHistory } from '../../src/tui/history.js';
import { makeLink, makeSnapshot, makeStagedSnapshot } from './snapshots.js';

const chain = makeStagedSnapshot(['keep-odd']);
const at = (t: number, depths: number[], rate = 95) =>
  makeStagedSnapshot(['keep-odd'], {
    t,
    links: depths.map((depth) => makeLink({ depth })),
    stages: chain.stages.map((s, i) => (i === 1 ? { ...s, rate } : s)),
    rates: { produced: 10, consumed: 20 },
  });

describe('history', () => {
  it('one series per queue (highest depth per bucket) and per stage (the ends are the run’s rates)', () => {
    const h = historyOf([at(0, [1, 5]), at(400, [7, 2], 90), at(1200, [3, 4], 80)]);
    expect(h.depths).toEqual([
      [7, 3],
      [5, 4],
    ]);
    expect(h.rates).toEqual([
      [10, 10],
      [90, 80],
      [20, 20],
    ]);
  });

  it('buckets with no sample repeat the one before; at most `size` are kept', () => {
    const h = historyOf([at(0, [1, 1]), at(3000, [4, 4])], { size: 3 });
    expect(h.depths[0]).toEqual([1, 1, 4]);
    expect(historyOf([at(0, [1, 1]), at(3000, [4, 4])]).depths[0]).toEqual([1, 1, 1, 4]);
  });

  it('starts afresh when time goes back (a replay restarting) or the chain changes', () => {
    const h = historyOf([at(0, [1, 1]), at(2000, [2, 2])]);
    expect(pushHistory(h, at(500, [9, 9])).depths).toEqual([[9], [9]]);
    const oneLink = pushHistory(h, makeSnapshot({ t: 3000 }));
    expect(oneLink.depths).toEqual([[8]]);
    expect(oneLink.rates).toHaveLength(2);
  });

  it('pushing the same snapshot twice changes nothing', () => {
    const s = at(100, [3, 3]);
    const h = historyOf([s]);
    expect(pushHistory(h, s)).toEqual(h);
  });
});
