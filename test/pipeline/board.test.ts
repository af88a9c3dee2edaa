import { describe, expect, it } from 'vitest';
import { Barrier } from '../../src/index.js';
import { PipelineBoard, slotOf } from '../../src/pipeline/metrics.js';
import { runFixtures } from '../helpers/workers.js';

describe('the shared board', () => {
  it(
    'an item budget is claimed exactly, one at a time or in batches, by many producers racing for it ' +
      '(regression: overdraw read as "unlimited")',
    async () => {
      for (let round = 0; round < 5; round++) {
        const board = new PipelineBoard();
        const budget = 200_000;
        board.setBudget(budget);
        const start = new Barrier(6);
        const claims = await runFixtures<number>(6, 'pipeline-claimer', (i) => ({
          board: board.handle,
          start: start.handle,
          claims: i,
        }));
        expect(claims.reduce((a, b) => a + b, 0)).toBe(budget);
      }
    },
  );

  it('no budget means unlimited; a zero budget means none', () => {
    const board = new PipelineBoard();
    board.setBudget(undefined);
    for (let i = 0; i < 1000; i++) expect(board.claimItem()).toBe(true);
    board.setBudget(0);
    expect(board.claimItem()).toBe(false);
  });

  it('pause, stop and retire are visible to readers of the same board', () => {
    const board = new PipelineBoard();
    const other = PipelineBoard.from(board.handle);
    board.setPaused(true);
    expect(other.paused).toBe(true);
    board.retire(3);
    expect(other.isRetired(3)).toBe(true);
    board.requestStop();
    expect(other.stopRequested).toBe(true);
    other.waitWhilePaused(3); // returns at once: stop was requested
  });

  it('blocked time is split by direction: waiting for room on the output, or for items on the input', () => {
    const board = new PipelineBoard(3);
    const slot = slotOf(1, 5); // a stage worker: both directions
    board.beginBlocked(slot, 'blocked-full');
    board.endBlocked(slot, 'consuming');
    const out = board.blockedOutMs(slot);
    expect(out).toBe(board.blockedMs(slot));
    board.beginBlocked(slot, 'blocked-empty');
    board.endBlocked(slot, 'consuming');
    expect(board.blockedOutMs(slot)).toBe(out); // the wait for items is not counted as output
    expect(board.blockedMs(slot)).toBeGreaterThanOrEqual(out);
    expect(board.state(slot)).toBe('consuming');
  });

  it('every stage has its own slots, the last one included', () => {
    const board = new PipelineBoard(4);
    const other = PipelineBoard.from(board.handle, 4);
    for (let stage = 0; stage < 4; stage++) for (let n = 0; n <= stage; n++) board.addItem(slotOf(stage, 63));
    for (let stage = 0; stage < 4; stage++) {
      expect(other.items(slotOf(stage, 63))).toBe(stage + 1);
      expect(other.items(slotOf(stage, 0))).toBe(0);
    }
  });

  it('the pool: in use rises and falls with acquisitions, and its high mark stays', () => {
    const board = new PipelineBoard();
    const [a, b] = [slotOf(1, 0), slotOf(1, 1)];
    board.poolAcquired(a, false);
    board.poolAcquired(b, true);
    expect([board.poolInUse(), board.poolMaxInUse()]).toEqual([2, 2]);
    board.poolReleasing();
    board.poolReleasing();
    board.poolAcquired(a, false);
    expect([board.poolInUse(), board.poolMaxInUse()]).toEqual([1, 2]);
    expect([board.poolAcquisitions(a), board.poolWaits(a), board.poolAcquisitions(b), board.poolWaits(b)]).toEqual([
      2, 0, 1, 1,
    ]);
  });
});
