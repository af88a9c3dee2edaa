import { type Key, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PipelineControls, RunState } from '../pipeline/types.js';

/** What the keys drive: a live run's controls, and for a replay also stepping while paused. */
export interface DashboardControls extends PipelineControls {
  /** One snapshot back (-1) or forward (+1); only a replay has it. */
  step?(delta: -1 | 1): void;
}

/** What a terminal in raw mode sends for Ctrl-C. */
const ETX = '\u0003';

export interface KeysState {
  helpOpen: boolean;
  /** A graceful stop was asked for (q or a first Ctrl-C); another Ctrl-C aborts. */
  stopRequested: boolean;
}

/**
 * The dashboard's keyboard: each key calls a PipelineControls method, nothing more — the run's
 * state comes back through the next Snapshot. Local UI state is only the help toggle and the
 * "Ctrl-C again aborts" hint.
 *
 *   q      stop()                      (once; pressing it again does not abort)
 *   Ctrl-C stop() the first time, abort() the second
 *   p      pause() / resume()          (by the run state, or the last p when not seen yet); space too
 *   ← →    step(-1) / step(+1)         (replays only)
 *   + -    addWorker(0) / removeWorker(0): producers     (= and _ too, for unshifted keyboards)
 *   > <    addWorker(last) / removeWorker(last): consumers     (. and , too)
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
  const stopped = useRef(false);
  const pausedIntent = useRef(runState === 'paused');
  useEffect(() => {
    pausedIntent.current = runState === 'paused';
  }, [runState]);

  const handler = useCallback((input: string, key: Key) => {
    const c = controlsRef.current;
    // A graceful stop is asked for once; only Ctrl-C goes on to abort.
    const stop = (): boolean => {
      if (stopped.current) return false;
      stopped.current = true;
      setStopRequested(true);
      c.stop();
      return true;
    };
    const onKey = (ch: string): void => {
      switch (ch) {
        case 'q':
        case 'Q':
          stop();
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
          c.addWorker(0);
          return;
        case '-':
        case '_':
          c.removeWorker(0);
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
      if (!stop()) c.abort();
    };
    if (key.ctrl && input === 'c') return ctrlC();
    if (key.escape) return setHelpOpen(false);
    if (key.leftArrow || key.rightArrow) return c.step?.(key.leftArrow ? -1 : 1);
    if (key.ctrl || key.meta) return;
    // Keys typed faster than a read (or pasted) arrive as one string: take each in turn. Ctrl-C
    // pressed twice quickly arrives so too, as two raw ETX characters.
    for (const ch of input) {
      if (ch === ETX) ctrlC();
      else onKey(ch);
    }
  }, []);

  useInput(handler, { isActive: isRawModeSupported });
  return { helpOpen, stopRequested };
}
