/**
 * A real redis-server for one test (file): Debian's `redis-server`, started on a free loopback port
 * with no persistence (`--save '' --appendonly no`) in a temporary directory, waited for until it
 * answers, and stopped (its directory removed) afterwards. Nothing here is a stand-in for Redis.
 * Faults are real too: `restart()` brings it back empty on the same port (a server without
 * persistence that crashed), `pause()`/`resume()` SIGSTOP and SIGCONT it (a broker that keeps its
 * connections but answers nothing).
 *
 * Where `redis-server` is not installed the Redis tests are skipped with a note — except in CI
 * (CI=true), where `.ci/run` installs it and a missing server fails the run instead of hiding it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether `redis-server` can be run here. */
export const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;

if (!HAS_REDIS && process.env.CI === 'true') {
  throw new Error('redis-server is required in CI (.ci/run installs it with apt-get install -y redis-server)');
}
if (!HAS_REDIS) {
  process.stderr.write(
    'note: redis-server is not installed: the Redis tests are skipped (apt-get install redis-server)\n',
  );
}

/** How long a server may take to answer after it is started (a loaded CI machine, not a fast one). */
const READY_DEADLINE_MS = 15_000;

export interface RedisServer {
  readonly port: number;
  /** `redis://[:password@]127.0.0.1:port` */
  readonly url: string;
  readonly password: string | undefined;
  /** Runs `redis-cli` against this server and returns its stdout (raw replies, one per line). */
  cli(...args: string[]): string;
  /** Whether the server process is still running. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, then SIGKILL after a deadline) and removes its directory. */
  stop(): Promise<void>;
  /**
   * Kills the server (SIGKILL: no shutdown, no last save) and starts it again on the same port and
   * directory, resolving once it answers: empty, or with `durable` with every write it acknowledged
   * (the AOF).
   */
  restart(): Promise<void>;
  /** Kills the server (SIGKILL) and leaves it down, its port closed, until `up()`. */
  down(): Promise<void>;
  /** Starts a server that is `down()` again, as `restart` does, resolving once it answers. */
  up(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing is answered. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

export interface RedisServerOptions {
  /** `requirepass`. */
  password?: string;
  /** Append-only file, fsynced on every write (`--appendonly yes --appendfsync always`). */
  durable?: boolean;
}

/** A port that was free a moment ago on 127.0.0.1 (the server is retried on another if it is taken). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts a redis-server (see RedisServerOptions). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-tui-redis-'));
    try {
      return await startOn(port, dir, options);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      lastError = error as Error;
      // Only a port taken between the probe and the bind is worth another try.
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError;
}

interface Spawned {
  child: ChildProcess;
  exit: Promise<void>;
  exited: () => boolean;
  /** Resolves once it accepts connections; rejects if it exits first or is not ready in time. */
  ready: Promise<void>;
}

function spawnServer(port: number, args: string[]): Spawned {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not get ready within ${READY_DEADLINE_MS} ms:\n${output}`));
    }, READY_DEADLINE_MS);
    const check = (): void => {
      if (!/ready to accept connections/i.test(output)) return;
      clearTimeout(deadline);
      child.stdout!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    void exit.then(() => {
      clearTimeout(deadline);
      reject(new Error(`redis-server on port ${port} exited before it was ready:\n${output}`));
    });
  });
  return { child, exit, exited: () => exited, ready };
}

async function startOn(
  port: number,
  dir: string,
  { password, durable = false }: RedisServerOptions,
): Promise<RedisServer> {
  const persistence = durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence];
  args.push('--dir', dir, '--daemonize', 'no', '--logfile', '');
  if (password !== undefined) args.push('--requirepass', password);
  let current = spawnServer(port, args);
  const auth = password === undefined ? [] : ['--no-auth-warning', '-a', password];
  const server: RedisServer = {
    port,
    url: `redis://${password === undefined ? '' : `:${encodeURIComponent(password)}@`}127.0.0.1:${port}`,
    password,
    cli: (...command) => {
      const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...auth, ...command], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      if (r.status !== 0) throw new Error(`redis-cli ${command.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    get running() {
      return !current.exited();
    },
    stop: () => stopServer(current.child, current.exit, dir),
    restart: async () => {
      await server.down();
      await server.up();
    },
    down: async () => {
      current.child.kill('SIGKILL');
      await current.exit;
    },
    up: async () => {
      // The port is free again once the process is gone; a new server binds it (no SO_REUSEPORT race).
      current = spawnServer(port, args);
      await current.ready;
    },
    pause: () => {
      current.child.kill('SIGSTOP');
    },
    resume: () => {
      current.child.kill('SIGCONT');
    },
  };
  try {
    await current.ready;
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function stopServer(child: ChildProcess, exit: Promise<void>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT'); // a paused server would not act on SIGTERM
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(killer);
  }
  rmSync(dir, { recursive: true, force: true });
}
