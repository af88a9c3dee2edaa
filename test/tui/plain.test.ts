/**
 * The plain sinks (no terminal): the progress line and the summary show a chain's stages and
 * queues, the pool and the bottleneck, folded like the Workers line; a run of one queue reads as
 * it always has.
 */
import { describe, expect, it } from 'vitest';
import type { Bottleneck } from '../../src/pipeline/types.js';
import { formatProgressLine, formatSummary, PLAIN_STAGES_SHOWN } from '../../src/tui/plain.js';
import { makeLink, makeSnapshot, makeStagedSnapshot, makeSummary, makeWorkers } from './snapshots.js';

const KEEP_ODD: Bottleneck = {
  stage: 1,
  name: 'keep-odd',
  evidence: 'its input queue is full and upstream is blocked 76% of the time',
  advice: 'add workers to it (select it and press +)',
};

describe('the progress line', () => {
  it('one queue: as before', () => {
    expect(formatProgressLine(makeSnapshot())).toBe(
      '[12.3s]  running  queue 8/16  produced 1,204 (98/s)  consumed 1,190 (97/s)  p50 3.10ms  blocked 0/4',
    );
  });

  it('a chain: every queue, each stage in and out, then the pool and the bottleneck', () => {
    const s = makeStagedSnapshot(['keep-odd', 'square'], {
      links: [makeLink({ depth: 16 }), makeLink({ depth: 3 }), makeLink({ depth: 0 })],
      pool: {
        size: 2,
        inUse: 2,
        waiting: 3,
        maxInUse: 2,
        acquisitions: 9,
        waits: 4,
        waitedMs: 50,
        waitedFraction: 0.8,
      },
      bottleneck: KEEP_ODD,
    });
    const line = formatProgressLine(s);
    expect(line).toContain('queues 16/16 3/16 0/16');
    expect(line).toContain(
      'produced 1,204 (98/s)  keep-odd 1,100→1,000 (90 dropped, 95/s)  square 1,100→1,000 (90 dropped, 95/s)  consumed',
    );
    expect(line).toMatch(/ {2}pool 2\/2 \(3 waiting\) {2}bottleneck keep-odd$/);
  });

  it('"blocked" counts workers blocked most of the last second, not the ones caught blocked at one instant', () => {
    // Producers behind a full queue, sampled just as each had room for one item: most of their time blocked.
    const workers = makeWorkers(2, 2).map((w) =>
      w.role === 'producer' ? { ...w, state: 'producing' as const, blockedFraction: 0.9 } : w,
    );
    const line = formatProgressLine(makeSnapshot({ workers, links: [makeLink({ depth: 16 })] }));
    expect(line).toMatch(/queue 16\/16 .* {2}blocked 2\/4$/);
  });

  it('says why no bottleneck is named when the run cannot support one', () => {
    const line = formatProgressLine(makeSnapshot({ noBottleneck: 'C2 has held one item for 8s' }));
    expect(line).toMatch(/ {2}bottleneck none: C2 has held one item for 8s$/);
  });

  it('a long chain folds its stages into "+N more"', () => {
    const names = Array.from({ length: 9 }, (_, i) => `t${i + 1}`);
    const line = formatProgressLine(makeStagedSnapshot(names));
    expect(line).toContain(`t${PLAIN_STAGES_SHOWN} `);
    expect(line).not.toContain(`t${PLAIN_STAGES_SHOWN + 1} `);
    expect(line).toContain(`+${9 - PLAIN_STAGES_SHOWN} more`);
  });
});

describe('the summary', () => {
  it('one queue: no Stages line; the bottleneck when one was named', () => {
    expect(formatSummary(makeSummary())).not.toMatch(/Stages:|Pool:|Bottleneck:/);
    const text = formatSummary(makeSummary({ bottleneck: { ...KEEP_ODD, stage: 1, name: 'consumers' } }));
    expect(text).toContain(
      'Bottleneck: consumers — its input queue is full and upstream is blocked 76% of the time; ' +
        'add workers to it (select it and press +).',
    );
  });

  it('a chain: each stage with items in, out and dropped; the pool; the bottleneck', () => {
    const text = formatSummary(
      makeSummary({
        stages: [
          { name: 'producers', workers: 2, in: 0, out: 1000, dropped: 0 },
          { name: 'keep-odd', workers: 2, in: 1000, out: 500, dropped: 500 },
          { name: 'square', workers: 1, in: 500, out: 500, dropped: 0 },
          { name: 'consumers', workers: 2, in: 500, out: 0, dropped: 0 },
        ],
        pool: { size: 2, maxInUse: 2, acquisitions: 500, waits: 340, waitedMs: 2100 },
        bottleneck: KEEP_ODD,
      }),
    );
    const lines = text.split('\n');
    expect(lines).toContain(
      'Stages: producers out 1,000 → keep-odd in 1,000 out 500 dropped 500 → square in 500 out 500 → consumers in 500.',
    );
    expect(lines).toContain('Pool: 2 permits, at most 2 in use; 340 of 500 acquisitions waited, 2.1s in all.');
    expect(lines).toContain(`Bottleneck: keep-odd — ${KEEP_ODD.evidence}; ${KEEP_ODD.advice}.`);
    expect(lines.at(-1)).toMatch(/^Workers: /);
  });

  it('a long chain folds its stages like the Workers line', () => {
    const middle = Array.from({ length: 10 }, (_, i) => ({ name: `t${i + 1}`, workers: 1, in: 5, out: 5, dropped: 0 }));
    const stages = [
      { name: 'producers', workers: 1, in: 0, out: 5, dropped: 0 },
      ...middle,
      { name: 'consumers', workers: 1, in: 5, out: 0, dropped: 0 },
    ];
    const line = formatSummary(makeSummary({ stages }))
      .split('\n')
      .find((l) => l.startsWith('Stages:'))!;
    expect(line).toContain(`t${PLAIN_STAGES_SHOWN} in 5 out 5 → +${10 - PLAIN_STAGES_SHOWN} more → consumers in 5.`);
  });
});
