/** Package hygiene (issue 12): what a user who installs the package gets besides the code. */

import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { produce } from '../../demos/stories/bursty-producer.js';
import type { Summary } from '../../src/pipeline/types.js';
import type { WorkerContext } from '../../src/pipeline/user-modules.js';
import { formatSummary } from '../../src/tui/plain.js';
import { BIN } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { userEnv } from '../helpers/user-env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');

describe('package hygiene', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('the built bin runs as a program, as npx runs it (a fresh dist/ must not lose the x bit)', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8', env: userEnv(), timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe(JSON.parse(read('package.json')).version);
  });

  it('has the MIT LICENSE that package.json names', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 pipeline-tui contributors/);
  });

  it('ships no source map whose sources are missing from the package', () => {
    const files: string[] = JSON.parse(read('package.json')).files;
    const shipped = (path: string): boolean => files.some((f) => path === f || path.startsWith(`${f}/`));
    const js = readdirSync(`${ROOT}dist`, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(10);
    for (const file of js) {
      const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(read(`dist/${file}`))?.[1];
      if (ref === undefined) continue;
      const mapUrl = new URL(ref, `file://${ROOT}dist/${file}`);
      const map = JSON.parse(readFileSync(mapUrl, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      if (map.sourcesContent?.length === map.sources.length) continue;
      for (const source of map.sources) {
        const path = fileURLToPath(new URL(source, mapUrl)).slice(ROOT.length);
        expect(shipped(path) && existsSync(`${ROOT}${path}`), `${file} maps to ${path}`).toBe(true);
      }
    }
  });

  it('the README says the package is ESM only and shows CommonJS use with await import()', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/ESM only/);
    expect(readme).toMatch(/await import\('pipeline-tui'\)/);
  });

  it('the command-line guide says that --items does not cap a user producer', () => {
    expect(read('docs/command-line.md')).toMatch(/`-n`\/`--items` does not cap a user producer/);
  });
});

describe('the bursty story producer', () => {
  it('keeps at most one abort listener on the run signal, however many bursts it pauses after', async () => {
    const controller = new AbortController();
    const ctx: WorkerContext = { id: 'P1', role: 'producer', index: 0, seed: 1, signal: controller.signal };
    let items = 0;
    for await (const _ of produce(ctx)) {
      expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
      if (++items === 40 * 4) break; // three pauses behind it
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('the plain summary', () => {
  const worker = (id: string, state: Summary['workers'][number]['state'] = 'done'): Summary['workers'][number] => ({
    id,
    role: id.startsWith('P') ? 'producer' : 'consumer',
    stage: id.startsWith('P') ? 0 : 1,
    items: 5,
    state,
    blockedMs: 0,
  });
  const summary = (workers: Summary['workers']): Summary =>
    ({
      produced: 0,
      consumed: 0,
      durationMs: 1000,
      itemsPerSecond: 0,
      latencyMs: { p50: 0, p95: 0, p99: 0 },
      shutdown: { mode: 'sentinel', sentinelsSent: 0, consumersExited: 0 },
      workers,
      endedBy: 'completed',
    }) as unknown as Summary;
  const workersLine = (s: Summary): string =>
    formatSummary(s)
      .split('\n')
      .find((l) => l.startsWith('Workers:'))!;

  it('lists every worker of a small run', () => {
    expect(workersLine(summary([worker('P1'), worker('C1')]))).toBe('Workers: P1 5, C1 5');
  });

  it('folds a -p 64 -c 64 run into "+N more", keeping both roles and the failed worker', () => {
    const workers = [
      ...Array.from({ length: 64 }, (_, i) => worker(`P${i + 1}`)),
      ...Array.from({ length: 64 }, (_, i) => worker(`C${i + 1}`, i === 40 ? 'failed' : 'done')),
    ];
    const line = workersLine(summary(workers));
    expect(line.length).toBeLessThan(200);
    expect(line).toMatch(/, \+116 more$/);
    expect(line).toContain('P1 5');
    expect(line).toContain('C41 5 FAILED');
  });
});
