/**
 * `pipeline-tui demo` as users run it (the built bin, no TTY): the list, an unknown name, a
 * lesson through the bin, and every pipeline story run to completion in quick mode, its Summary
 * (`--json`, the same output as `pipeline-tui run --json`) asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as catalog from '../../demos/index.js';
import { STORIES } from '../../demos/stories.js';
import type { DemoCatalog } from '../../src/cli/demo-catalog.js';
import type { Summary } from '../../src/pipeline/types.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { DEADLINE_MS } from '../helpers/workers.js';

beforeAll(() => ensureBuilt(), 150_000);

// The command loads demos/index at run time (src/cli/demo-catalog.ts): `npm run typecheck` holds it to the contract.
catalog satisfies DemoCatalog;

/** Runs a story quickly and returns its exit code and Summary. */
async function story(name: string): Promise<{ code: number | null; summary: Summary; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['demo', name, '--quick', '--json'], { deadlineMs: DEADLINE_MS });
  return { code, summary: JSON.parse(stdout) as Summary, stderr };
}

const producers = (s: Summary) => s.workers.filter((w) => w.role === 'producer');
const consumers = (s: Summary) => s.workers.filter((w) => w.role === 'consumer');

describe('pipeline-tui demo', () => {
  it('without a name lists every demo with a one-line description', async () => {
    const { code, stdout, stderr } = await runCli(['demo']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const demo of catalog.DEMOS) expect(stdout).toMatch(new RegExp(`^  ${demo.name} +\\S.*$`, 'm'));
  });

  it('an unknown name: one line on stderr naming the demos, exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['demo', 'nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^pipeline-tui: unknown demo "nope"; the demos are: join, daemon, .*race.*, shutdown, stages, pool$/m,
    );
  });

  it('a lesson runs from the built package: demo race --quick --json', async () => {
    const { code, stdout } = await runCli(['demo', 'race', '--quick', '--json'], { deadlineMs: DEADLINE_MS });
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { updates: number; unlocked: number; locked: number };
    expect(result.unlocked).toBeLessThan(result.locked);
    expect(result.locked).toBe(result.updates);
  });

  it('a lesson narrates in plain text: demo args-pitfall --quick', async () => {
    const { code, stdout } = await runCli(['demo', 'args-pitfall', '--quick'], { deadlineMs: DEADLINE_MS });
    expect(code).toBe(0);
    expect(stdout).toContain('did you mean args: ["world"]?');
    expect(stdout).toContain('Thread: hello, world!');
  });

  it('a story without --json prints its story and plain progress lines, then the summary', async () => {
    const { code, stdout } = await runCli(['demo', 'balanced', '--quick'], { deadlineMs: DEADLINE_MS });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^== balanced: /);
    expect(stdout).toMatch(/Run completed in .*: produced 200, consumed 200/);
  });
});

describe('pipeline stories deliver every item (quick, --json)', () => {
  for (const name of ['balanced', 'slow-consumer', 'fast-consumer', 'bursty', 'shutdown', 'pool']) {
    it(name, async () => {
      const { code, summary } = await story(name);
      expect(code).toBe(0);
      expect(summary.endedBy).toBe('completed');
      const items = STORIES.find((s) => s.name === name)!.flags(true).items as number;
      expect(summary.produced).toBe(items);
      expect(summary.consumed).toBe(items);
    });
  }

  it('slow-consumer: the producers were blocked by the full queue (backpressure)', async () => {
    const { summary } = await story('slow-consumer');
    // Some producer, not each: a late one may find the budget already taken.
    expect(producers(summary).some((w) => w.blockedMs > 0)).toBe(true);
  });

  it('shutdown: one sentinel per consumer, every consumer exits on its own', async () => {
    const { summary } = await story('shutdown');
    expect(consumers(summary)).toHaveLength(12);
    expect(summary.shutdown).toMatchObject({ mode: 'sentinel', sentinelsSent: 12, consumersExited: 12 });
  });

  it('stages: three stages, the middle one slow; every item through, every fifth dropped', async () => {
    const { code, summary } = await story('stages');
    expect(code).toBe(0);
    expect(summary.endedBy).toBe('completed');
    const items = STORIES.find((s) => s.name === 'stages')!.flags(true).items as number;
    expect(summary.stages.map((s) => [s.name, s.workers, s.in])).toEqual([
      ['producers', 2, 0],
      ['validate', 1, items],
      ['enrich', 2, summary.stages[1]!.out],
      ['format', 1, summary.stages[2]!.out],
      ['consumers', 2, summary.stages[3]!.out],
    ]);
    expect(summary.stages[1]!.dropped).toBeGreaterThan(0);
    expect(summary.stages[1]!.in).toBe(summary.stages[1]!.out + summary.stages[1]!.dropped);
  });

  it('pool: never more than two of the six consumers at once, one permit per item', async () => {
    const { summary } = await story('pool');
    expect(consumers(summary)).toHaveLength(6);
    expect(summary.pool).toMatchObject({ size: 2, acquisitions: summary.consumed });
    expect(summary.pool!.maxInUse).toBeLessThanOrEqual(2);
  });

  it('crash: the run ends failed (exit 1) naming the item; the other consumers drain the rest', async () => {
    const { code, summary } = await story('crash');
    expect(code).toBe(1);
    expect(summary.endedBy).toBe('failed');
    expect(summary.error).toMatch(/cannot handle item 40/);
    const failed = summary.workers.filter((w) => w.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.role).toBe('consumer');
    expect(summary.consumed).toBe(summary.produced - 1); // only the fatal item is lost
  });
});

describe('a story takes every run flag; a lesson refuses them (issue 12)', () => {
  it('the flags the user typed override the preset, the preset stays for the rest', async () => {
    const { code, stdout } = await runCli(
      ['demo', 'slow-consumer', '--quick', '--json', '-p', '6', '--consumers', '2'],
      {
        deadlineMs: DEADLINE_MS,
      },
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Summary;
    expect(producers(summary)).toHaveLength(6);
    expect(consumers(summary)).toHaveLength(2);
    expect(summary.produced).toBe(STORIES.find((s) => s.name === 'slow-consumer')!.flags(true).items); // preset -n
  });

  it('a typed --duration replaces the preset --items', async () => {
    const { code, stdout } = await runCli(['demo', 'balanced', '--json', '--duration', '300ms'], {
      deadlineMs: DEADLINE_MS,
    });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Summary).endedBy).toBe('completed');
  });

  for (const flags of [
    ['--record', 'x.cast'],
    ['--metrics', 'y.jsonl'],
    ['-p', '3'],
  ]) {
    it(`demo race ${flags.join(' ')}: one line, exit 2, nothing run`, async () => {
      const { code, stdout, stderr } = await runCli(['demo', 'race', '--quick', ...flags]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const typed = flags[0] === '-p' ? '--producers' : flags[0];
      expect(stderr.trimEnd().split('\n')).toEqual([
        'pipeline-tui: demo race is a lesson: it takes only --quick and --json, ' +
          `not ${typed} (the stories take the run flags)`,
      ]);
    });
  }

  it('demo --help lists the run flags and says which apply', async () => {
    const { code, stdout } = await runCli(['demo', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--producers', '--consume-ms', '--record', '--metrics', '--quick'])
      expect(stdout).toContain(flag);
    const text = stdout.replace(/\s+/g, ' '); // yargs wraps the epilog to the terminal
    expect(text).toMatch(/Which flags apply: a story .* takes every run flag/);
    expect(text).toMatch(/A lesson .* takes only --quick and --json/);
  });
});
