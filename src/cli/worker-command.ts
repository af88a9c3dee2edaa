/**
 * `pipeline-tui worker`: joins the runs announced on a stream from another process or machine.
 * Started before its run, it waits for one (`--wait-ms`, forever by default); with `--keep` it
 * stays after each run for the next. While it serves a run it prints a line per refresh (its
 * workers, their states and counts) and a last line when its workers have stopped — consumers at
 * their sentinels, producers at the end of the run's budget or of the run; with --json, one JSON
 * line per run served instead. SIGTERM, SIGINT or SIGHUP: its workers leave (remote-workers.ts),
 * and it exits; a second one aborts them. A broker lost for good ends it with one line naming it.
 * Exit codes: 0 every worker ended well, 1 one failed or the broker was lost, 2 bad input or no run
 * to join, 5 the broker cannot be used, 128 + the signal when aborted.
 */

import type { Redis } from 'ioredis';
import { awaitRun } from '../broker/await-run.js';
import { hostPort } from '../broker/broker-url.js';
import { closeBroker, connectBroker, RECONNECT_FOR_MS } from '../broker/connect.js';
import { type RemoteWorkerRow, readRun } from '../broker/remote-board.js';
import { type JoinedRun, joinedStage, joinRun, type RemoteWorkersResult } from '../broker/remote-workers.js';
import { stageName } from '../pipeline/chain.js';
import type { PipelineConfig } from '../pipeline/types.js';
import { checkUserModules, UserModuleError } from '../pipeline/user-modules.js';
import { count, duration } from '../tui/format.js';
import { guardRun, type StopReason } from './interrupts.js';
import { EXIT, UsageError } from './usage-error.js';
import type { WorkerRequest } from './worker-args.js';

/** While it waits for a run, a line when the wait starts, when the broker comes or goes, and this often. */
const WAITING_LINE_EVERY_MS = 60_000;

const describeRows = (rows: readonly RemoteWorkerRow[], errors = true): string =>
  rows
    .map((r) => `${r.id} ${r.state} ${count(r.items)}${errors && r.error !== undefined ? ` (${r.error})` : ''}`)
    .join(', ');

/** The broker's state as the process's connection reports it. */
interface BrokerNews {
  lost?: string | undefined;
  gone?: string | undefined;
}

export async function workerCommand(request: WorkerRequest): Promise<number> {
  await checkModule(request);
  const at = hostPort(request.address);
  const where = `stream ${request.stream} at ${at}`;
  const news: BrokerNews = {};
  const redis = await connectBroker(request.address, {
    name: `pipeline-tui-worker-${process.pid}`,
    onLost: (cause) => (news.lost = `lost the broker at ${at}: ${cause}; reconnecting`),
    onBack: () => (news.lost = undefined),
    onGone: (cause) => {
      news.gone = `lost the broker at ${at}: ${cause}; gave up after ${RECONNECT_FOR_MS / 1000} s of retrying`;
      // Threads still making their first connection wait for the broker until told to leave.
      current?.leave();
    },
  });
  const started = performance.now();
  const line = (text: string): void => {
    if (!request.json) process.stdout.write(`[${duration(performance.now() - started)}]  ${text}\n`);
  };
  const leaving = new AbortController();
  let current: JoinedRun | undefined;
  let stoppedBy: StopReason | undefined;
  const guard = guardRun(
    {
      stop: () => current?.leave(),
      abort: () => current?.abort(),
      ...{ pause: () => {}, resume: () => {}, addWorker: () => {}, removeWorker: () => {} },
    },
    (reason) => {
      stoppedBy = reason;
      leaving.abort(); // a wait for a run ends at once
    },
  );
  let servedRunId: string | undefined;
  let failed = false;
  let joinedAt = started;
  try {
    for (;;) {
      const stopWaiting = waitingLines(request, news, line);
      const run = await awaitRun(redis, request.stream, {
        skip: servedRunId,
        waitMs: request.waitMs,
        signal: leaving.signal,
      }).finally(stopWaiting);
      if (run === undefined) {
        if (stoppedBy !== undefined) line(`stopped (${stoppedBy}) while waiting for a run`);
        else if (servedRunId === undefined) throw new UsageError(await noRun(redis, request, where));
        else line(`no new run on ${where} within ${duration(request.waitMs ?? 0)}: leaving`);
        break;
      }
      joinedAt = performance.now();
      checkStage(request, JSON.parse(run.config) as PipelineConfig, where);
      current = joinRun(redis, run, {
        ...request,
        onRows: (rows) => line(`${describeRows(rows)}${news.lost === undefined ? '' : `; ${news.lost}`}`),
      });
      const served = await current.done;
      current = undefined;
      servedRunId = served.runId;
      failed ||= served.failed;
      report(request, served, performance.now() - joinedAt, stoppedBy);
      if (!request.keep || stoppedBy !== undefined) break;
    }
  } catch (error) {
    // A broker lost for good fails whatever was waiting on it: said in one line, as a run says it.
    const lost = news.gone ?? news.lost?.replace(/; reconnecting$/, '');
    if (lost === undefined) throw error;
    current?.abort();
    if (request.json)
      process.stdout.write(`${JSON.stringify({ stream: request.stream, failed: true, error: lost })}\n`);
    else process.stdout.write(`Worker FAILED in ${duration(performance.now() - joinedAt)}: ${lost}\n`);
    return EXIT.failed;
  } finally {
    guard.dispose();
    await closeBroker(redis);
  }
  if (guard.aborted) return guard.abortCode;
  return failed ? EXIT.failed : EXIT.ok;
}

/** A stage worker joins a stage the run has (bad input otherwise: the run's stages named). @throws UsageError */
function checkStage(request: WorkerRequest, config: PipelineConfig, where: string): void {
  if (joinedStage(config, request.role, request.module) !== undefined) return;
  const names = config.stages.map((s) => s.name);
  const has = names.length === 0 ? 'it has no stages' : `its stages: ${names.join(', ')}`;
  throw new UsageError(`the run on ${where} has no stage ${stageName(request.module!)} (--stage); ${has}`);
}

/** Checks the user's module before anything starts: a module that cannot load is bad input. */
async function checkModule(request: WorkerRequest): Promise<void> {
  const { module, role } = request;
  if (module === undefined) return;
  const consumer = role === 'consumer' ? module : undefined;
  const producer = role === 'producer' ? module : undefined;
  const stages = role === 'stage' ? [{ module, name: stageName(module), workers: 1 }] : [];
  try {
    await checkUserModules({ producer, consumer, stages });
  } catch (error) {
    if (error instanceof UserModuleError) throw new UsageError(error.message);
    throw error;
  }
}

/** Prints the waiting lines (plain output only); returns the function that stops them. */
function waitingLines(request: WorkerRequest, news: BrokerNews, line: (text: string) => void): () => void {
  const kind = request.role === 'stage' ? 'stage worker' : request.role;
  const threads = `${request.count} ${kind}${request.count === 1 ? '' : 's'}`;
  const text = (): string =>
    `waiting for a run on stream ${request.stream} at ${hostPort(request.address)} (${threads})` +
    (news.lost === undefined ? '' : `; ${news.lost}`);
  let shown = text();
  let shownAt = performance.now();
  if (request.waitMs !== 0) line(shown); // 0: no wait, only a look
  const timer = setInterval(() => {
    const now = text();
    if (now === shown && performance.now() - shownAt < WAITING_LINE_EVERY_MS) return;
    [shown, shownAt] = [now, performance.now()];
    line(now);
  }, request.refreshMs);
  return () => clearInterval(timer);
}

/** Why there is no run to join (exit code 2). */
async function noRun(redis: Redis, request: WorkerRequest, where: string): Promise<string> {
  if (request.waitMs !== 0)
    return `no run on ${where} within ${duration(request.waitMs ?? 0)} (--wait-ms ${request.waitMs})`;
  const run = await readRun(redis, request.stream);
  if (run !== undefined)
    return `the run on ${where} has ended (${run.phase}): start the next one, or wait for it (no --wait-ms 0)`;
  return `no run on ${where}: start one there first (pipeline-tui run --broker … --stream …)`;
}

/** The last line of a run served: plain, or one JSON line. */
function report(
  request: WorkerRequest,
  served: RemoteWorkersResult,
  tookMs: number,
  stoppedBy: StopReason | undefined,
): void {
  const ended = served.failed ? 'failed' : stoppedBy === undefined ? 'done' : 'left';
  if (request.json) {
    const json = { stream: request.stream, runId: served.runId, ended, failed: served.failed, workers: served.rows };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  const how = { failed: 'FAILED', done: 'done', left: `left (${stoppedBy})` }[ended];
  process.stdout.write(`Worker ${how} in ${duration(tookMs)}: ${describeRows(served.rows)}\n`);
}
