/** The replay source: recorded pace times speed, pause / step / resume, stop, the recorded Summary. */
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/pipeline/types.js';
import type { MetricsLog } from '../../src/record/metrics-log.js';
import { startReplay } from '../../src/record/replay.js';
import { until } from '../helpers/poll.js';
import { within } from '../helpers/workers.js';
import { CONFIG, makeSequence, makeSummary } from '../tui/snapshots.js';

const logOf = (n: number, stepMs = 100): MetricsLog => ({
  header: { format: 'pipeline-tui-metrics', version: 2, tool: 'test', startedAt: '', config: CONFIG },
  snapshots: makeSequence(n, (i) => ({ totals: { produced: i, consumed: i } }), stepMs),
  summary: makeSummary({ produced: n }),
});

describe('startReplay', () => {
  it('plays every snapshot in order and ends on the recorded summary', async () => {
    const seen: Snapshot[] = [];
    const replay = startReplay(logOf(20), { speed: 100, onSnapshot: (s) => seen.push(s) });
    expect(await within(replay.done, 10_000, 'replay')).toEqual(makeSummary({ produced: 20 }));
    expect(seen.map((s) => s.totals.produced)).toEqual([...Array(20).keys()]);
  });

  it('pause holds the clock and shows "paused"; step moves one snapshot either way; resume goes on', async () => {
    const seen: Snapshot[] = [];
    const replay = startReplay(logOf(50, 1000), { speed: 1, onSnapshot: (s) => seen.push(s) });
    await until(() => seen.length >= 1, 'first snapshot');
    replay.pause();
    const at = replay.latest()!.totals.produced;
    expect(seen.at(-1)!.state).toBe('paused');
    replay.step!(1);
    replay.step!(1);
    replay.step!(-1);
    expect(seen.slice(-3).map((s) => [s.totals.produced, s.state])).toEqual([
      [at + 1, 'paused'],
      [at + 2, 'paused'],
      [at + 1, 'paused'],
    ]);
    replay.step!(-1);
    replay.step!(-1);
    expect(replay.latest()!.totals.produced).toBe(Math.max(0, at - 1)); // never before the first
    replay.resume();
    expect(seen.at(-1)!.state).toBe('running');
    replay.stop();
    expect((await within(replay.done, 5000, 'stopped replay')).produced).toBe(50);
  });

  it("stop ends at once with the whole run's summary; add/remove workers do nothing", async () => {
    const seen: Snapshot[] = [];
    const replay = startReplay(logOf(100, 1000), { onSnapshot: (s) => seen.push(s) });
    replay.addWorker(0);
    replay.removeWorker(1);
    replay.stop();
    expect((await within(replay.done, 5000, 'stopped replay')).produced).toBe(100);
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(count);
  });
});
