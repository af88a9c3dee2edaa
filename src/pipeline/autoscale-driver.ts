/**
 * Applies the `--autoscale` policy (autoscale.ts) to a running pipeline: every snapshot goes
 * through it on its way out, comes back carrying the policy's reading (so the dashboard, the
 * metrics log and a replay all show its decisions), and what it decides is done with the run's
 * own controls — the ones the dashboard's + and > keys use.
 */
import { availableParallelism } from 'node:os';
import { type AutoscaleOptions, AutoscalePolicy, autoscaleLimits } from './autoscale.js';
import type { PipelineConfig, PipelineControls, Snapshot, Summary } from './types.js';

/** The process's CPU time so far, every thread's (workers included), in ms. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export class AutoscaleDriver {
  private readonly policy: AutoscalePolicy;

  /**
   * `poolResizable`: whether the run's pool can be resized while it runs (the backend's can).
   * @throws AutoscaleError for a bad option
   */
  constructor(config: PipelineConfig, options: AutoscaleOptions | true, poolResizable = false) {
    const limits = autoscaleLimits(config, options, availableParallelism());
    this.policy = new AutoscalePolicy(config, { ...limits, poolResizable });
  }

  /** The snapshot as it should be shown; the policy's action is taken once it has been. */
  observe(s: Snapshot, controls: Pick<PipelineControls, 'addWorker' | 'removeWorker' | 'resizePool'>): Snapshot {
    const action = this.policy.observe(s, processCpuMs());
    if (action !== undefined)
      // After the snapshot is out: a refused removal takes a snapshot of its own.
      queueMicrotask(() => {
        if (action.kind === 'pool') controls.resizePool?.(action.size);
        else if (action.kind === 'add') controls.addWorker(action.stage);
        else controls.removeWorker(action.stage);
      });
    return { ...s, autoscale: this.policy.reading() };
  }

  /** The run's summary with every decision and the counts settled on. */
  conclude(summary: Summary): Summary {
    return { ...summary, autoscale: this.policy.outcome() };
  }
}
