import { describe, expect, it } from 'vitest';
import { Barrier } from '../../src/index.js';
import { PipelineBoard } from '../../src/pipeline/metrics.js';
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
});
