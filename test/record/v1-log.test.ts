/**
 * Metrics logs of version 1 (before stages: one `queue` per snapshot) still replay: they are read
 * as version 2, the queue as the chain's one link and the stages derived from the worker rows.
 * The fixture is a real log, written by pipeline-tui 0.1.0 at e2ae308 (the last version 1 writer):
 * `pipeline-tui -n 60 -p 2 -c 2 --consume-ms 10 --refresh 100 --metrics v1-run.jsonl --plain`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/pipeline/types.js';
import { readMetricsLog } from '../../src/record/metrics-log.js';
import { runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';

const V1 = fileURLToPath(new URL('../fixtures/logs/v1-run.jsonl', import.meta.url));
const raw = readFileSync(V1, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, any>);
const rawSnapshots = raw.filter((l) => l.snapshot).map((l) => l.snapshot);

describe('a version 1 metrics log', () => {
  it('is a real v1 log: one queue per snapshot, no stages or links', () => {
    expect(raw[0]!.version).toBe(1);
    expect(rawSnapshots.length).toBeGreaterThan(3);
    for (const s of rawSnapshots) {
      expect(s.queue).toBeDefined();
      expect(s.links).toBeUndefined();
      expect(s.stages).toBeUndefined();
    }
  });

  it('reads as version 2: the queue as the one link, producers and consumers as the stages', () => {
    const log = readMetricsLog(V1);
    expect(log.header.config.stages).toEqual([]);
    expect(log.snapshots).toHaveLength(rawSnapshots.length);
    for (const [i, s] of log.snapshots.entries()) {
      const v1 = rawSnapshots[i]!;
      expect(s).not.toHaveProperty('queue');
      expect(s.config.stages).toEqual([]);
      expect(s.links).toEqual([
        {
          ...v1.queue,
          sentinelsSent: v1.shutdown.sentinelsSent,
          closed: false, // a sentinel run that did not fail never shut its queue down
        },
      ]);
      expect(s.stages.map((st) => [st.name, st.role, st.workers, st.in, st.out, st.dropped])).toEqual([
        ['producers', 'producer', 2, 0, v1.totals.produced, 0],
        ['consumers', 'consumer', 2, v1.totals.consumed, 0, 0],
      ]);
      expect(s.stages[0]!.running).toBe(
        v1.workers.filter((w: any) => w.role === 'producer' && w.state !== 'done').length,
      );
      expect(s.workers.map((w) => w.stage)).toEqual(v1.workers.map((w: any) => (w.role === 'producer' ? 0 : 1)));
    }
    expect(log.summary!.stages).toEqual([
      { name: 'producers', workers: 2, in: 0, out: 60, dropped: 0 },
      { name: 'consumers', workers: 2, in: 60, out: 0, dropped: 0 },
    ]);
    expect(log.summary!.links).toEqual([{ capacity: 16, highWater: rawSnapshots.at(-1)!.queue.highWater }]);
  });

  describe('pipeline-tui replay', () => {
    beforeAll(() => ensureBuilt(), 150_000);

    it('--json: the recorded summary, upgraded', async () => {
      const r = await runCli(['replay', V1, '--speed', '50', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout) as Summary;
      expect(summary).toMatchObject({ produced: 60, consumed: 60, endedBy: 'completed' });
      expect(summary.stages.map((s) => s.name)).toEqual(['producers', 'consumers']);
    });

    it('--plain: progress lines and the summary, as a live run prints them', async () => {
      const r = await runCli(['replay', V1, '--speed', '20', '--plain']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\[[\d.]+m?s\] +running +queue \d+\/16/m);
      expect(r.stdout).toMatch(/Run completed in [\d.]+m?s: produced 60, consumed 60/);
    });
  });
});
