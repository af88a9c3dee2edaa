/**
 * The App around the Dashboard: keys become PipelineControls calls (and nothing else), the
 * store's snapshots and final summary reach the screen, and a terminal resize re-lays it out.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/tui/App.js';
import { createDashboardStore } from '../../src/tui/dashboard-store.js';
import { REPLAY_KEY_MAP } from '../../src/tui/keys.js';
import { until } from '../helpers/poll.js';
import { makeSnapshot, makeStagedSnapshot, makeSummary, makeWorkers, recordingControls } from './snapshots.js';
import { renderOn } from './terminal-stub.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function mount(snapshot = makeSnapshot(), keys?: typeof REPLAY_KEY_MAP) {
  const store = createDashboardStore();
  const controls = recordingControls();
  store.push(snapshot);
  const app = render(<App store={store} controls={controls} color={false} keys={keys} />);
  return { store, controls, ...app };
}

const TAB = '\t';
const SHIFT_TAB = '\u001B[Z';
const UP = '\u001B[A';
const DOWN = '\u001B[B';
/** The chain line marked as selected, by its label. */
const selectedLabel = (frame: string | undefined): string | undefined => /^▸(\S+)/m.exec(frame ?? '')?.[1];

async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

describe('keys', () => {
  it('each key calls its control: p pause/resume, +/- producers, >/< consumers', async () => {
    const { stdin, controls, unmount } = mount();
    await tick();
    await press(stdin, 'p', 'p', '+', '-', '>', '<', '=', '_', '.', ',');
    expect(controls.calls).toEqual([
      'pause',
      'resume',
      'addWorker(0)',
      'removeWorker(0)',
      'addWorker(1)',
      'removeWorker(1)',
      'addWorker(0)',
      'removeWorker(0)',
      'addWorker(1)',
      'removeWorker(1)',
    ]);
    unmount();
  });

  it('keys that arrive together (typed fast, pasted) each count', async () => {
    const { stdin, controls, unmount } = mount();
    await tick();
    await press(stdin, '+>+');
    expect(controls.calls).toEqual(['addWorker(0)', 'addWorker(1)', 'addWorker(0)']);
    unmount();
  });

  // What a second request does is the controls' business (test/cli/interrupts.test.ts): the keys
  // only say which request each one is.
  it('q asks for a graceful stop, each time, and the key bar says so', async () => {
    const { stdin, controls, lastFrame, unmount } = mount();
    await tick();
    await press(stdin, 'q', 'q');
    expect(controls.calls).toEqual(['stop', 'stop']);
    expect(lastFrame()).toMatch(/stopping/i);
    unmount();
  });

  it('Ctrl-C is an interrupt each time: the key bar says another one aborts', async () => {
    const { stdin, controls, lastFrame, unmount } = mount();
    await tick();
    await press(stdin, '\u0003');
    expect(controls.calls).toEqual(['interrupt']);
    expect(lastFrame()).toContain('again aborts');
    await press(stdin, '\u0003');
    expect(controls.calls).toEqual(['interrupt', 'interrupt']);
    unmount();
  });

  it('two Ctrl-C read as one chunk (pressed quickly) are two interrupts', async () => {
    const { stdin, controls, unmount } = mount();
    await tick();
    await press(stdin, '\u0003\u0003');
    expect(controls.calls).toEqual(['interrupt', 'interrupt']);
    unmount();
  });

  it('? opens and closes the help panel, Esc closes it; neither touches the run', async () => {
    const { stdin, controls, lastFrame, unmount } = mount();
    await tick();
    // Each frame is awaited, with a deadline: on a loaded machine one tick is not always enough
    // (a lone Esc, especially, is held back until Ink knows no escape sequence follows).
    const help = (open: boolean) => until(() => lastFrame()?.includes('Help') === open, `help ${open}`, 5_000);
    await press(stdin, '?');
    await help(true);
    await press(stdin, '?');
    await help(false);
    await press(stdin, '?');
    await help(true);
    await press(stdin, '\u001B');
    await help(false);
    expect(controls.calls).toEqual([]);
    unmount();
  });

  it('p after the run shows paused resumes (the key follows the run state, not its own memory)', async () => {
    const { stdin, store, controls, unmount } = mount();
    store.push(makeSnapshot({ state: 'paused' }));
    await tick();
    await press(stdin, 'p');
    expect(controls.calls).toEqual(['resume']);
    unmount();
  });
});

describe('selecting a stage', () => {
  const staged = () => mount(makeStagedSnapshot(['keep-odd', 'square']));

  it('+ and - act on the selected stage: the producers at first, then Tab / ↓ / ↑ / Shift-Tab move it', async () => {
    const { stdin, controls, unmount } = staged();
    await tick();
    await press(stdin, '+', TAB, '+', '-', DOWN, '+', UP, UP, '-', SHIFT_TAB, '+');
    expect(controls.calls).toEqual([
      'addWorker(0)',
      'addWorker(1)',
      'removeWorker(1)',
      'addWorker(2)',
      'removeWorker(0)',
      'addWorker(3)', // Shift-Tab from the producers wraps round to the consumers
    ]);
    unmount();
  });

  it('> and < stay the consumers, whichever stage is selected', async () => {
    const { stdin, controls, unmount } = staged();
    await tick();
    await press(stdin, TAB, '>', '<');
    expect(controls.calls).toEqual(['addWorker(3)', 'removeWorker(3)']);
    unmount();
  });

  it('the selection wraps and is shown: ▸ on the stage, its name on the key bar; keys only select', async () => {
    const { stdin, controls, lastFrame, unmount } = staged();
    await tick();
    expect(selectedLabel(lastFrame())).toBe('Produced');
    expect(lastFrame()).toMatch(/\+\/- producers/);
    await press(stdin, TAB);
    expect(selectedLabel(lastFrame())).toBe('keep-odd');
    expect(lastFrame()).toMatch(/\+\/- keep-odd/);
    await press(stdin, TAB, TAB, TAB);
    expect(selectedLabel(lastFrame())).toBe('Produced');
    await press(stdin, UP);
    expect(selectedLabel(lastFrame())).toBe('Consumed');
    expect(controls.calls).toEqual([]);
    unmount();
  });

  it('a replay has no selection to show', async () => {
    const { stdin, lastFrame, unmount } = mount(makeStagedSnapshot(['keep-odd']), REPLAY_KEY_MAP);
    await tick();
    await press(stdin, TAB);
    expect(lastFrame()).not.toContain('▸');
    unmount();
  });
});

describe('screen', () => {
  it('shows "starting" until the first snapshot, then the dashboard, then the final summary', async () => {
    const store = createDashboardStore();
    const { lastFrame, unmount } = render(<App store={store} controls={recordingControls()} color={false} />);
    expect(lastFrame()).toContain('starting');
    store.push(makeSnapshot({ totals: { produced: 777, consumed: 700 } }));
    await tick();
    expect(lastFrame()).toMatch(/total 777/);
    store.finish(makeSummary({ produced: 1000, consumed: 1000, endedBy: 'completed' }));
    await tick();
    expect(lastFrame()).toMatch(/^Run completed in 3\.3s: produced 1,000, consumed 1,000/);
    store.push(makeSnapshot());
    await tick();
    expect(lastFrame()).toMatch(/^Run completed/); // nothing after the end replaces the summary
    unmount();
  });

  it('follows a terminal resize: fewer rows fold more workers into "+N more"', async () => {
    const store = createDashboardStore();
    store.push(makeSnapshot({ workers: makeWorkers(10, 10) }));
    const { terminal, unmount } = renderOn(<App store={store} controls={recordingControls()} color={false} />, 100, 40);
    await tick();
    const tall = terminal.lastFrame;
    expect(tall).not.toContain('more:');
    expect(tall.split('\n').length).toBeLessThan(40);
    terminal.resize(100, 16);
    await tick();
    const short = terminal.lastFrame;
    expect(short).toMatch(/\+\d+ more:/);
    expect(short.split('\n').length).toBeLessThan(16);
    unmount();
  });
});
