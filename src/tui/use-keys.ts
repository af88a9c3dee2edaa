import { type Key, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DashboardControls, RunState } from '../pipeline/types.js';

/** What a terminal in raw mode sends for Ctrl-C. */
const ETX = '\u0003';

export interface KeysState {
  helpOpen: boolean;
  /** The stage + and - act on (index into Snapshot.stages), 0 (the producers) at first. */
  selected: number;
  /** A stop was asked for with q or Ctrl-C: the key bar says what another Ctrl-C does. */
  stopRequested: boolean;
}

/**
 * The dashboard's keyboard: each key calls a DashboardControls method, nothing more — the run's
 * state comes back through the next Snapshot, and stop requests are counted by the controls
 * (src/cli/interrupts.ts), not here. Local UI state is only the help toggle, the selected stage
 * and the "Ctrl-C again aborts" hint.
 *
 *   q      stop()                      (a graceful stop; pressing it again does not abort)
 *   Ctrl-C interrupt()                 (the first stops gracefully, the next aborts)
 *   p      pause() / resume()          (by the run state, or the last p when not seen yet); space too
 *   ← →    step(-1) / step(+1)         (replays only)
 *   Tab ↓  select the next stage, Shift-Tab ↑ the previous one (wrapping; producers at first)
 *   + -    addWorker(selected) / removeWorker(selected)    (= and _ too, for unshifted keyboards)
 *   > <    addWorker(last) / removeWorker(last): consumers, whatever is selected     (. and , too)
 *   ?      toggles the help panel; Esc closes it
 *
 * Input is read only where raw mode works (stdin is a TTY); the handler is stable, so Ink
 * subscribes once.
 */
export function useKeys(controls: DashboardControls, runState: RunState | undefined, stages = 2): KeysState {
  const { isRawModeSupported } = useStdin();
  const [helpOpen, setHelpOpen] = useState(false);
  const [stopRequested, setStopRequested] = useState(false);
  const controlsRef = useRef(controls);
  controlsRef.current = controls;
  const lastStage = useRef(stages - 1);
  lastStage.current = stages - 1;
  const [selected, setSelected] = useState(0);
  const selectedRef = useRef(0);
  selectedRef.current = Math.min(selected, stages - 1);
  const pausedIntent = useRef(runState === 'paused');
  useEffect(() => {
    pausedIntent.current = runState === 'paused';
  }, [runState]);

  const handler = useCallback((input: string, key: Key) => {
    const c = controlsRef.current;
    const select = (delta: 1 | -1): void => {
      const n = lastStage.current + 1;
      selectedRef.current = (selectedRef.current + delta + n) % n;
      setSelected(selectedRef.current);
    };
    const onKey = (ch: string): void => {
      switch (ch) {
        case 'q':
        case 'Q':
          setStopRequested(true);
          c.stop();
          return;
        case 'p':
        case 'P':
        case ' ':
          pausedIntent.current = !pausedIntent.current;
          if (pausedIntent.current) c.pause();
          else c.resume();
          return;
        case '+':
        case '=':
          c.addWorker(selectedRef.current);
          return;
        case '-':
        case '_':
          c.removeWorker(selectedRef.current);
          return;
        case '\t':
          select(1);
          return;
        case '>':
        case '.':
          c.addWorker(lastStage.current);
          return;
        case '<':
        case ',':
          c.removeWorker(lastStage.current);
          return;
        case '?':
          setHelpOpen((open) => !open);
          return;
      }
    };
    const ctrlC = (): void => {
      setStopRequested(true);
      c.interrupt();
    };
    if (key.ctrl && input === 'c') return ctrlC();
    if (key.escape) return setHelpOpen(false);
    if (key.leftArrow || key.rightArrow) return c.step?.(key.leftArrow ? -1 : 1);
    if (key.tab) return select(key.shift ? -1 : 1);
    if (key.upArrow || key.downArrow) return select(key.upArrow ? -1 : 1);
    if (key.ctrl || key.meta) return;
    // Keys typed faster than a read (or pasted) arrive as one string: take each in turn. Ctrl-C
    // pressed twice quickly arrives so too, as two raw ETX characters.
    for (const ch of input) {
      if (ch === ETX) ctrlC();
      else onKey(ch);
    }
  }, []);

  useInput(handler, { isActive: isRawModeSupported });
  return { helpOpen, selected: selectedRef.current, stopRequested };
}
