/**
 * The dashboard's first frame (issue 22): drawn from the configuration before the run starts its
 * workers, it already shows the whole chain with every worker "starting" — not a placeholder line,
 * and not a frame that waited for the workers. The run is recorded (--record), so the first frame
 * is read back exactly as the terminal received it; nothing here depends on how fast anything is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCast } from '../helpers/cast.js';
import { ensureBuilt } from '../helpers/dist.js';
import { scratchDir } from '../helpers/scratch.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;
const stage = (name: string): string => fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

/** The text of the first output event that has any, and everything written before it. */
function firstFrame(castFile: string): { frame: string; before: string } {
  const { events } = parseCast(readFileSync(castFile, 'utf8'));
  // As the terminal received it: lines end in CR LF there.
  const outputs = events.filter((e) => e[1] === 'o').map((e) => e[2].replace(ANSI, '').replace(/\r\n/g, '\n'));
  const at = outputs.findIndex((text) => text.trim() !== '');
  return { frame: outputs[at] ?? '', before: outputs.slice(0, Math.max(at, 0)).join('') };
}

describe.skipIf(!HAS_TMUX)('the first frame, in a real terminal (tmux)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('shows the chain with every worker starting, before the run has sampled anything', async () => {
    const cast = join(scratchDir('first-frame'), 'run.cast');
    session = new TmuxSession(['-p', '2', '-c', '3', '-n', '2000', '--record', cast]);
    expect(await session.exitCode()).toBe(0);
    const { frame, before } = firstFrame(cast);
    expect(before.trim()).toBe('');
    expect(frame).not.toMatch(/starting…/);
    // "starting" in the header is the run's state before its engine took its first sample.
    expect(frame).toMatch(/^pipeline-tui +2 producers → 3 consumers .* ● starting +0ms$/m);
    expect(frame).toMatch(/^▸Produced +0\.0\/s +total 0 /m);
    expect(frame).toMatch(/^Queue +░+ +0\/16 +high 0/m);
    expect(frame).toMatch(/^Consumed +0\.0\/s +total 0 /m);
    for (const id of ['P1', 'P2', 'C1', 'C2', 'C3']) expect(frame).toMatch(new RegExp(`^ {2}${id} +starting +0 `, 'm'));
    expect(frame).not.toMatch(/^ {2}(P3|C4) /m);
  });

  it('shows every stage of a chain of stages, its workers starting', async () => {
    const cast = join(scratchDir('first-frame'), 'run.cast');
    const args = ['-p', '1', '-c', '1', '-n', '200', '--stage', `${stage('double')}=2`, '--record', cast];
    session = new TmuxSession(args, { columns: 120, rows: 40 });
    expect(await session.exitCode()).toBe(0);
    const { frame } = firstFrame(cast);
    expect(frame).toMatch(/1 producer → double ×2 → 1 consumer .* ● starting +0ms$/m);
    expect(frame).toMatch(/^▸Produced .*\n^Queue 1 .*\n^double .*\n^Queue 2 .*\n^Consumed /m);
    for (const id of ['P1', 'S1.1', 'S1.2', 'C1']) expect(frame).toMatch(new RegExp(`^ {2}${id} +starting +0 `, 'm'));
  });
});
