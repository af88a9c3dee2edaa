/** userFrames: the frames of a stack that are the user's own code, as the summary shows them. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { userFrames } from '../../src/tui/user-frames.js';

// This package's own code, where the stack of a real failure passes through (src/ here, dist/ installed).
const OWN = fileURLToPath(new URL('../../src/pipeline/worker-main.ts', import.meta.url));

const STACK = [
  'Error: cannot handle item 100',
  '    at check (file:///home/ana/shop/lib/check.mjs:2:24)',
  '    at consume (file:///home/ana/shop/c.mjs:3:9)',
  '    at Array.map (<anonymous>)',
  '    at save (/home/ana/shop/node_modules/some-db/index.js:10:5)',
  `    at runConsumer (file://${OWN}:316:37)`,
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  `    at async lifeOf (${OWN}:86:9)`,
  '    at file:///home/ana/shop/c.mjs:9:1',
].join('\n');

describe('userFrames', () => {
  it("keeps the user's frames, paths under the current directory relative to it", () => {
    expect(userFrames(STACK, 5, '/home/ana/shop')).toEqual([
      'at check (./lib/check.mjs:2:24)',
      'at consume (./c.mjs:3:9)',
      'at ./c.mjs:9:1',
    ]);
  });

  it('shows paths outside the current directory whole, and at most `max` frames', () => {
    expect(userFrames(STACK, 2, '/tmp')).toEqual([
      'at check (/home/ana/shop/lib/check.mjs:2:24)',
      'at consume (/home/ana/shop/c.mjs:3:9)',
    ]);
  });

  it('has nothing to show for no stack, or one with no frame of the user', () => {
    expect(userFrames(undefined)).toEqual([]);
    expect(userFrames(`Error: x\n    at runConsumer (file://${OWN}:1:1)\n    at node:internal/x:1:1`)).toEqual([]);
  });
});
