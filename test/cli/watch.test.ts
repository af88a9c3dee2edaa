/**
 * `pipeline-tui watch` (the built command) against a real redis-server: its figures checked against
 * what redis-cli says of the same stream, the password never shown, one-line failures with exit
 * code 5, a broker that goes away mid-watch, and the dashboard in a real terminal (tmux).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/dist.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { HAS_TMUX, TmuxSession } from '../helpers/tmux.js';

interface WatchLine {
  t: number;
  broker: string;
  connection: string;
  exists: boolean;
  length: number;
  pending: number;
  lag: number | null;
  entriesAdded: number;
  addedPerSecond: number;
  groups: Array<{
    name: string;
    pending: number;
    lag: number | null;
    oldestPendingMs: number | null;
    consumers: Array<{ name: string; pending: number; idleMs: number }>;
  }>;
}

const parseLines = (stdout: string): WatchLine[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as WatchLine);

/** `XINFO GROUPS` through redis-cli: name → { pending, lag } (redis-cli prints one field per line). */
function groupsByCli(server: RedisServer, stream: string): Map<string, { pending: number; lag: number | null }> {
  const out = server.cli('XINFO', 'GROUPS', stream).replace(/\n$/, '').split('\n');
  const groups = new Map<string, { pending: number; lag: number | null }>();
  for (let i = 0; i < out.length; i += 12) {
    const f: Record<string, string> = {};
    for (let j = i; j < i + 12; j += 2) f[out[j]!] = out[j + 1]!;
    // redis-cli prints a nil lag (Redis cannot tell it) as an empty line.
    groups.set(f.name!, { pending: Number(f.pending), lag: f.lag === '' ? null : Number(f.lag) });
  }
  return groups;
}

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

describe.skipIf(!HAS_REDIS)('pipeline-tui watch on redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ password: 's3cr3t-pw' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('shows length, entries added, lag and pending per group and consumer as redis-cli has them', async () => {
    const cli = server.cli;
    const addingFrom = Date.now(); // the server runs on this machine: one clock
    for (let i = 0; i < 10; i++) cli('XADD', 'orders', '*', 'n', String(i));
    const addedBy = Date.now();
    cli('XGROUP', 'CREATE', 'orders', 'billing', '0');
    cli('XGROUP', 'CREATE', 'orders', 'audit', '0');
    cli('XGROUP', 'CREATE', 'orders', 'idle', '$');
    cli('XREADGROUP', 'GROUP', 'billing', 'c1', 'COUNT', '4', 'STREAMS', 'orders', '>');
    cli('XREADGROUP', 'GROUP', 'billing', 'c2', 'COUNT', '3', 'STREAMS', 'orders', '>');
    cli('XREADGROUP', 'GROUP', 'audit', 'c3', 'COUNT', '1', 'STREAMS', 'orders', '>');
    const firstId = cli('XRANGE', 'orders', '-', '+', 'COUNT', '1').split('\n')[0]!;
    cli('XACK', 'orders', 'billing', firstId);

    const watch = startCli(['watch', server.url, '--stream', 'orders', '--json', '--refresh', '100'], {
      deadlineMs: 60_000,
    });
    await watch.stdoutMatching(/"length":10/);
    for (let i = 0; i < 20; i++) cli('XADD', 'orders', '*', 'n', String(10 + i));
    const moreAddedBy = Date.now(); // the last line was sampled after this: it counts them
    await watch.stdoutMatching(/"entriesAdded":30/);
    watch.child.kill('SIGTERM');
    const { code, stdout } = await watch.result;
    const ended = Date.now();
    expect(code).toBe(0);
    const lines = parseLines(stdout);
    const last = lines.at(-1)!;

    expect(last.length).toBe(Number(cli('XLEN', 'orders')));
    expect(last.entriesAdded).toBe(30);
    expect(lines.some((l) => l.addedPerSecond > 0)).toBe(true);
    const byCli = groupsByCli(server, 'orders');
    expect(last.groups.map((g) => g.name).sort()).toEqual([...byCli.keys()].sort());
    for (const g of last.groups) {
      expect({ pending: g.pending, lag: g.lag }, g.name).toEqual(byCli.get(g.name));
    }
    expect(last.pending).toBe(6 + 1); // billing 4 + 3 - 1 acknowledged, audit 1
    expect(last.lag).toBeNull(); // the group furthest behind: 'idle', whose lag Redis cannot tell
    const billing = last.groups.find((g) => g.name === 'billing')!;
    expect(billing.consumers).toEqual([
      { name: 'c1', pending: 3, idleMs: expect.any(Number) },
      { name: 'c2', pending: 3, idleMs: expect.any(Number) },
    ]);
    // The same per-consumer counts through XPENDING's summary.
    expect(cli('XPENDING', 'orders', 'billing').trim().split('\n').slice(3)).toEqual(['c1', '3', 'c2', '3']);
    // The age of billing's oldest pending entry (the second added: the first is acknowledged), from
    // its id, on the server's clock: at least from when it was added to when the last line was
    // sampled, at most until the watch ended (a few ms either way for the id's and clocks' grain).
    expect(billing.oldestPendingMs).toBeGreaterThanOrEqual(moreAddedBy - addedBy - 5);
    expect(billing.oldestPendingMs).toBeLessThanOrEqual(ended - addingFrom + 5);
    expect(last.groups.find((g) => g.name === 'idle')!.oldestPendingMs).toBeNull();
    // The password is never shown.
    expect(last.broker).toBe(`redis://:***@127.0.0.1:${server.port}`);
    expect(stdout).not.toContain('s3cr3t-pw');
  });

  it('--group shows that group only; --plain prints lines; --duration ends the watch with 0', async () => {
    server.cli('XADD', 'plain', '*', 'n', '1');
    server.cli('XGROUP', 'CREATE', 'plain', 'g1', '0');
    server.cli('XGROUP', 'CREATE', 'plain', 'g2', '0');
    const { code, stdout, stderr } = await runCli(
      ['watch', server.url, '--stream', 'plain', '--group', 'g2', '--plain', '--duration', '1.5s', '--refresh', '500'],
      { deadlineMs: 30_000 },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`redis://:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}  plain  length 1 `));
    expect(stdout).toMatch(/group g2: lag 1 {2}pending 0 {2}no consumers/);
    expect(stdout).not.toContain('g1');
    expect(stdout).not.toContain('s3cr3t-pw');
  });

  it('says so when the stream does not exist yet', async () => {
    const { code, stdout } = await runCli(['watch', server.url, '--stream', 'nothing-here', '--duration', '0.5s']);
    expect(code).toBe(0);
    expect(stdout).toContain('nothing-here  (no such stream yet)');
  });

  it('refuses a wrong password in one line naming the host, exit 5, the password not shown', async () => {
    const url = `redis://:wrong-one@127.0.0.1:${server.port}`;
    const { code, stdout, stderr } = await runCli(['watch', url, '--stream', 'orders', '--json']);
    expect(code).toBe(5);
    expect(stdout).toBe('');
    expect(stderr).toBe(`pipeline-tui: cannot use the broker at 127.0.0.1:${server.port}: the password was refused\n`);
  });

  it('says in one line, exit 5, that nobody listens at a dead broker', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const { code, stderr } = await runCli(['watch', dead.url, '--stream', 'orders']);
    expect(code).toBe(5);
    expect(stderr).toBe(
      `pipeline-tui: cannot use the broker at 127.0.0.1:${dead.port}: ` +
        'connection refused (is redis-server running there?)\n',
    );
  });

  it('refuses bad input with exit 2, the password of a bad URL not shown', async () => {
    const noStream = await runCli(['watch', server.url]);
    expect(noStream.code).toBe(2);
    expect(noStream.stderr).toBe(
      'pipeline-tui: --stream is required: the name of the stream to watch, e.g. --stream orders\n',
    );
    const badUrl = await runCli(['watch', 'http://:s3cr3t-pw@h:1', '--stream', 's']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe(
      'pipeline-tui: the broker URL must be a URL like redis://[:password@]host:port[/db] (rediss:// for TLS); ' +
        'the scheme http:// is not redis:// or rediss:// (the URL is not shown: it may hold a password)\n',
    );
  });

  it('says the broker is lost when it goes away, retries, then gives up with exit 5', async () => {
    const doomed = await startRedisServer();
    doomed.cli('XADD', 'jobs', '*', 'n', '1');
    const watch = startCli(['watch', doomed.url, '--stream', 'jobs', '--plain', '--refresh', '200'], {
      deadlineMs: 60_000,
    });
    await watch.stdoutMatching(/jobs {2}length 1 /);
    await doomed.stop();
    await watch.stdoutMatching(/broker lost: .*; reconnecting/);
    const { code, stderr } = await watch.result;
    expect(code).toBe(5);
    expect(stderr).toMatch(
      new RegExp(
        `^pipeline-tui: lost the broker at 127\\.0\\.0\\.1:${doomed.port}: .*; gave up after 15 s of retrying\\n$`,
      ),
    );
  });

  describe.skipIf(!HAS_TMUX)('in a real terminal (tmux)', () => {
    it('draws the watch dashboard with its groups and consumers; q quits with 0', async () => {
      server.cli('XADD', 'screen', '*', 'n', '1');
      server.cli('XADD', 'screen', '*', 'n', '2');
      server.cli('XGROUP', 'CREATE', 'screen', 'workers', '0');
      server.cli('XREADGROUP', 'GROUP', 'workers', 'C1@box:4242', 'COUNT', '1', 'STREAMS', 'screen', '>');
      session = new TmuxSession(['watch', server.url, '--stream', 'screen'], { columns: 110, rows: 20 });
      const screen = await session.waitFor(/C1@box:4242/);
      expect(screen).toContain('pipeline-tui watch');
      expect(screen).toMatch(/● watching/);
      expect(screen).toMatch(/length +2 /);
      expect(screen).toMatch(/^ {2}workers +1 +1 /m);
      expect(screen).toContain(`redis://:***@127.0.0.1:${server.port}`);
      expect(screen).not.toContain('s3cr3t-pw');
      session.keys('q');
      expect(await session.exitCode()).toBe(0);
    });
  });
});
