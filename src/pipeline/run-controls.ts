/**
 * A run's controls (PipelineControls): stop, abort, pause, resume, and adding or removing a worker
 * of a stage, resizing the pool — each a request the engine honours when the run's state allows it.
 */
import type { RunEngine } from './run-engine.js';
import type { PipelineControls } from './types.js';

/** How long a refused request's reason stays on the dashboard. */
const NOTICE_MS = 3000;

export function controlsOf(engine: RunEngine): PipelineControls {
  const { status, board, stages, cascade } = engine;
  return {
    stop() {
      if (!status.running || status.stopAsked) return;
      status.stopAsked = true;
      if (status.state === 'running') status.state = 'draining';
      engine.requestStop();
    },
    abort() {
      if (!status.running) return;
      status.stopAsked = true;
      engine.teardown(status.error !== undefined ? 'failed' : 'aborted');
    },
    pause() {
      if (!status.running || status.state !== 'running') return;
      status.paused = true;
      board.setPaused(true);
    },
    resume() {
      if (!status.paused) return;
      status.paused = false;
      board.setPaused(false);
    },
    addWorker(stage) {
      if (status.state === 'running' && engine.started) stages[stage]?.add();
    },
    removeWorker(stage) {
      if (status.state !== 'running' || stages[stage] === undefined) return;
      const removed = stage > 0 ? cascade.dismissOne(stage) : retireOneProducer(engine);
      // A stage keeps its last worker (nothing else would move its items on): say so, not nothing.
      if (!removed) {
        const name = stages[stage]!.spec.name;
        engine.refuse(`- cannot remove the last of the ${name}: the chain needs it (q stops the run)`, NOTICE_MS);
      }
    },
    resizePool(size) {
      if (status.state !== 'running') return;
      const pool = engine.backend.pool;
      if (pool === undefined) engine.refuse('cannot resize the pool: the run has no --pool', NOTICE_MS);
      else void pool.resize(size);
    },
  };
}

/** Retires the last producer still making items, unless it is the only one. */
function retireOneProducer({ producers, board }: RunEngine): boolean {
  const live = producers.alive().filter((w) => !board.isRetired(w.slot));
  if (live.length <= 1) return false;
  board.retire(live.at(-1)!.slot);
  return true;
}
