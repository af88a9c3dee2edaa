/**
 * The story presets, full size and quick: each is a valid run configuration (CI only runs the
 * quick ones, so this keeps the full ones from rotting), and the modules it names exist.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STORIES } from '../../demos/stories.js';
import { parseStage } from '../../src/cli/run-args.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import type { PipelineConfig } from '../../src/pipeline/types.js';

describe('story presets', () => {
  for (const story of STORIES) {
    for (const quick of [false, true]) {
      it(`${story.name}${quick ? ' --quick' : ''} is a valid run configuration`, () => {
        const { stage, ...flags } = story.flags(quick);
        const stages = ((stage ?? []) as string[]).map(parseStage);
        const config = resolveConfig({ ...flags, stages } as Partial<PipelineConfig>);
        expect(config.items).toBeGreaterThan(0);
        for (const module of [config.producer, config.consumer, ...config.stages.map((st) => st.module)]) {
          if (module !== undefined) expect(existsSync(fileURLToPath(module))).toBe(true);
        }
      });
    }
  }

  it('the names are unique and include the eight stories', () => {
    expect(STORIES.map((s) => s.name)).toEqual([
      'balanced',
      'slow-consumer',
      'fast-consumer',
      'bursty',
      'crash',
      'shutdown',
      'stages',
      'pool',
    ]);
  });
});
