/**
 * The story presets, full size and quick: each is a valid run configuration (CI only runs the
 * quick ones, so this keeps the full ones from rotting), and the modules it names exist.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STORIES } from '../../demos/stories.js';
import { resolveConfig } from '../../src/pipeline/config.js';
import type { PipelineConfig } from '../../src/pipeline/types.js';

describe('story presets', () => {
  for (const story of STORIES) {
    for (const quick of [false, true]) {
      it(`${story.name}${quick ? ' --quick' : ''} is a valid run configuration`, () => {
        const config = resolveConfig(story.flags(quick) as Partial<PipelineConfig>);
        expect(config.items).toBeGreaterThan(0);
        for (const module of [config.producer, config.consumer]) {
          if (module !== undefined) expect(existsSync(fileURLToPath(module))).toBe(true);
        }
      });
    }
  }

  it('the names are unique and include the six stories', () => {
    expect(STORIES.map((s) => s.name)).toEqual([
      'balanced',
      'slow-consumer',
      'fast-consumer',
      'bursty',
      'crash',
      'shutdown',
    ]);
  });
});
