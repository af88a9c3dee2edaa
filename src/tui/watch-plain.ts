/**
 * The sinks of `watch` without a terminal: a few plain lines per refresh (the stream, then one
 * line per group with its consumers), and one JSON line per refresh (`--json`).
 */
import type { WatchSnapshot } from '../broker/watch-source.js';
import { count, duration, rate } from './format.js';

const lagText = (lag: number | null): string => (lag === null ? '?' : count(lag));

/** What the connection line says when it is not simply connected ("" when it is). */
export function connectionText(s: WatchSnapshot): string {
  if (s.connection === 'lost') return `broker lost: ${s.connectionNote ?? 'connection closed'}`;
  if (s.connection === 'gone') return `broker gone: ${s.connectionNote ?? 'connection closed'}; gave up`;
  return '';
}

/** "[2.0s] redis://:***@db:6379 orders  length 1,204  +380/s  last 1700000000000-3", then the groups. */
export function formatWatchLines(s: WatchSnapshot): string {
  const head = [`[${duration(s.t)}]`, s.broker, s.stream];
  if (!s.exists) head.push('(no such stream yet)');
  else head.push(`length ${count(s.length)}`, `+${rate(s.addedPerSecond)}`, `last ${s.lastId ?? '-'}`);
  const connection = connectionText(s);
  if (connection !== '') head.push(connection);
  const lines = [head.join('  ')];
  if (s.exists && s.groups.length === 0)
    lines.push(s.group === null ? '  no consumer groups' : `  no group named ${s.group}`);
  for (const g of s.groups) {
    const oldest = g.oldestPendingMs === null ? '' : `  oldest pending ${duration(g.oldestPendingMs)}`;
    const consumers = g.consumers.map((c) => `${c.name} ${count(c.pending)} pending, idle ${duration(c.idleMs)}`);
    lines.push(
      `  group ${g.name}: lag ${lagText(g.lag)}  pending ${count(g.pending)}${oldest}` +
        (consumers.length > 0 ? `  consumers: ${consumers.join('; ')}` : '  no consumers'),
    );
  }
  return lines.join('\n');
}

/**
 * One JSON line: the sample with `length`, `pending` (all watched groups together) and `lag` (the
 * group furthest behind; null when Redis cannot tell) at the top, then every group in detail.
 */
export function watchJsonLine(s: WatchSnapshot): string {
  const lags = s.groups.map((g) => g.lag);
  return JSON.stringify({
    t: Math.round(s.t),
    broker: s.broker,
    stream: s.stream,
    connection: s.connection,
    ...(s.connectionNote === undefined ? {} : { connectionNote: s.connectionNote }),
    exists: s.exists,
    length: s.length,
    pending: s.groups.reduce((sum, g) => sum + g.pending, 0),
    lag: lags.length === 0 || lags.includes(null) ? null : Math.max(...(lags as number[])),
    entriesAdded: s.entriesAdded,
    addedPerSecond: Math.round(s.addedPerSecond * 10) / 10,
    lastId: s.lastId,
    groups: s.groups,
  });
}
