/**
 * The metrics log (`--metrics run.jsonl`): one JSON value per line — a header naming the format,
 * the tool's version and the run's configuration, then every Snapshot as it is taken, then the
 * Summary. Each line is written with a synchronous write as it comes, so a run that crashes
 * still leaves a log that reads (and replays) up to the crash.
 *
 *   {"format":"pipeline-tui-metrics","version":2,"tool":"0.1.0","startedAt":"…","config":{…}}
 *   {"snapshot":{"t":100,"state":"running",…}}
 *   {"summary":{"produced":3000,…}}
 *
 * Version 2 carries the chain: every stage, every link and the pool (Snapshot.stages, .links,
 * .pool) instead of version 1's one `queue`. Version 1 logs still read, upgraded as they are
 * read (upgrade-v1.ts).
 */
import { readFileSync } from 'node:fs';
import type { PipelineConfig, Snapshot, Summary } from '../pipeline/types.js';
import { JsonLinesFile, type JsonLinesOptions } from './json-lines.js';
import { upgradeConfig, upgradeSnapshot, upgradeSummary } from './upgrade-v1.js';

export const METRICS_FORMAT = 'pipeline-tui-metrics';
export const METRICS_VERSION = 2;
/** Versions this pipeline-tui reads (older ones are upgraded as they are read). */
const READS = [1, 2];

export interface MetricsHeader {
  format: typeof METRICS_FORMAT;
  version: number;
  /** The pipeline-tui version that wrote the log. */
  tool: string;
  /** Wall-clock start of the run (ISO 8601). */
  startedAt: string;
  config: PipelineConfig;
}

/** A log as read back: its header, its snapshots in order, and the summary when the run got to write one. */
export interface MetricsLog {
  header: MetricsHeader;
  snapshots: Snapshot[];
  summary: Summary | undefined;
  /** The number of the last line when it was cut short mid-write (and left out): the log ends before it. */
  cutAtLine?: number;
}

/** A log that cannot be read; the message names the file and the line. */
export class MetricsLogError extends Error {
  override name = 'MetricsLogError';
}

export class MetricsLogWriter {
  private readonly file: JsonLinesFile;

  /**
   * Creates (or truncates) `path` and writes the header line. @throws the fs error when it cannot.
   * A later write that fails stops the log at its last whole line (see json-lines.ts).
   */
  constructor(
    readonly path: string,
    config: PipelineConfig,
    tool: string,
    options: JsonLinesOptions = {},
  ) {
    const header: MetricsHeader = {
      format: METRICS_FORMAT,
      version: METRICS_VERSION,
      tool,
      startedAt: new Date().toISOString(),
      config,
    };
    this.file = new JsonLinesFile(path, header, options);
  }

  snapshot(snapshot: Snapshot): void {
    this.file.write({ snapshot });
  }

  /** Writes the summary line and closes the file. */
  finish(summary: Summary): void {
    this.file.write({ summary });
    this.close();
  }

  close(): void {
    this.file.close();
  }
}

/**
 * Reads a metrics log. @throws MetricsLogError naming the file and line number when the file is
 * missing, empty, not a pipeline-tui metrics log, or has a line before the last that is not valid
 * JSON or not a snapshot. A log without a summary line (its run crashed) reads fine: `summary` is
 * undefined. So does one whose last line was cut mid-write (a crash, a full disk): that line is
 * left out and `cutAtLine` names it. Only a cut header is refused: there is nothing to replay.
 */
export function readMetricsLog(path: string): MetricsLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MetricsLogError(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read it (${code ?? String(error)})`,
    );
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // A last line without its newline that does not parse was cut short mid-write: the log ends before it.
  const cutAtLine = !text.endsWith('\n') && lines.length > 1 && !parses(lines.at(-1)!) ? lines.length : undefined;
  if (cutAtLine !== undefined) lines.pop();
  if (lines.length === 0)
    throw new MetricsLogError(`${path}:1: the file is empty, not a metrics log (record one with --metrics ${path})`);
  const fail = (n: number, what: string): never => {
    throw new MetricsLogError(`${path}:${n}: ${what}`);
  };
  const parse = (n: number): Record<string, unknown> => {
    const line = lines[n - 1]!;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      fail(
        n,
        n === 1 && !text.includes('\n') ? 'the header is cut short (the recording ended mid-write)' : 'not valid JSON',
      );
    }
    return fail(n, 'expected a JSON object');
  };

  const header = parse(1);
  if (header['format'] !== METRICS_FORMAT)
    fail(1, `not a pipeline-tui metrics log (no "format": "${METRICS_FORMAT}" header)`);
  const version = header['version'];
  if (!READS.includes(version as number))
    fail(
      1,
      `metrics log version ${String(version)} is not supported ` +
        `(this pipeline-tui reads versions ${READS.join(' and ')})`,
    );
  if (!isObject(header['config'])) fail(1, 'the header has no "config"');
  const v1 = version === 1;
  if (v1) header['config'] = upgradeConfig(header['config'] as Record<string, unknown>);
  const config = header['config'] as unknown as PipelineConfig;

  const snapshots: Snapshot[] = [];
  let summary: Summary | undefined;
  for (let n = 2; n <= lines.length; n++) {
    const entry = parse(n);
    if (summary !== undefined) fail(n, 'a line after the summary (the summary must be last)');
    if (isObject(entry['snapshot'])) {
      const raw = entry['snapshot'];
      if (!isSnapshot(raw, v1))
        fail(n, `a snapshot without its fields (t, state, ${v1 ? 'queue' : 'links'}, totals, workers)`);
      const s = v1 ? upgradeSnapshot(raw) : (raw as unknown as Snapshot);
      const prev = snapshots.at(-1);
      if (prev !== undefined && s.t < prev.t) fail(n, `snapshot time ${s.t} ms goes back from ${prev.t} ms`);
      snapshots.push(s);
    } else if (isObject(entry['summary'])) {
      summary = entry['summary'] as unknown as Summary;
      const complete = typeof summary.endedBy === 'string' && typeof summary.consumed === 'number';
      if (!complete || !Array.isArray(summary.workers))
        fail(n, 'a summary without its fields (endedBy, consumed, workers)');
      if (v1) summary = upgradeSummary(entry['summary'] as Record<string, unknown>, snapshots.at(-1), config);
    } else fail(n, 'expected {"snapshot": …} or {"summary": …}');
  }
  if (snapshots.length === 0) fail(Math.max(2, lines.length), 'the log has no snapshots to replay');
  return {
    header: header as unknown as MetricsHeader,
    snapshots,
    summary,
    ...(cutAtLine !== undefined ? { cutAtLine } : {}),
  };
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields a snapshot of that version cannot do without (v1 had one `queue`, v2 has `links`). */
function isSnapshot(s: Record<string, unknown>, v1: boolean): boolean {
  return (
    typeof s.t === 'number' &&
    typeof s.state === 'string' &&
    (v1 ? isObject(s.queue) : Array.isArray(s.links) && Array.isArray(s.stages)) &&
    isObject(s.totals) &&
    Array.isArray(s.workers) &&
    isObject(s.shutdown) &&
    isObject(s.config)
  );
}
