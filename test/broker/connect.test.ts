/**
 * Connecting to a broker that cannot be used: one line naming the host and the cause, never the
 * password — on a real redis-server (with a password, and stopped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { BrokerUnavailableError, closeBroker, connectBroker } from '../../src/broker/connect.js';
import { HAS_REDIS, type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { DEADLINE_MS, within } from '../helpers/workers.js';

async function failure(url: string): Promise<Error> {
  try {
    await closeBroker(await connectBroker(parseBrokerUrl(url)));
  } catch (error) {
    return error as Error;
  }
  throw new Error(`connecting to ${url} succeeded`);
}

describe.skipIf(!HAS_REDIS)('connectBroker on redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ password: 'hunter2' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('connects with the right password', async () => {
    const redis = await connectBroker(parseBrokerUrl(server.url));
    expect(await redis.ping()).toBe('PONG');
    await closeBroker(redis);
  });

  it.each([
    ['a wrong password', 'redis://:wrong-pw@127.0.0.1:PORT', 'the password was refused'],
    ['no password', 'redis://127.0.0.1:PORT', 'the broker wants a password'],
  ])('refuses %s in one line naming the host and the cause', async (_what, url, cause) => {
    const error = await failure(url.replace('PORT', String(server.port)));
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error.message).toMatch(new RegExp(`^cannot use the broker at 127\\.0\\.0\\.1:${server.port}: ${cause}`));
    expect(error.message).not.toContain('wrong-pw');
    expect(error.message).not.toContain('\n');
  });

  it('says so in one line when nobody listens there', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const error = await failure(dead.url);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(error.message).toBe(
      `cannot use the broker at 127.0.0.1:${dead.port}: connection refused (is redis-server running there?)`,
    );
  });

  it('retries a first connection while retryFirstWhile says so, and connects once the broker is up', async () => {
    const restarting = await startRedisServer();
    try {
      await restarting.down();
      let lost: (cause: string) => void = () => {};
      const firstTryFailed = new Promise<string>((resolve) => (lost = resolve));
      const connecting = connectBroker(parseBrokerUrl(restarting.url), { retryFirstWhile: () => true, onLost: lost });
      expect(await within(firstTryFailed, DEADLINE_MS, 'the first try')).toBe(
        'connection refused (is redis-server running there?)',
      );
      await restarting.up();
      const redis = await within(connecting, DEADLINE_MS, 'the connection once the broker is up');
      expect(await redis.ping()).toBe('PONG');
      await closeBroker(redis);
    } finally {
      await restarting.stop();
    }
  });

  it('gives up retrying a first connection once retryFirstWhile says so', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    let retry = true;
    const stopRetrying = { retryFirstWhile: () => retry, onLost: () => (retry = false) };
    const error = await within(
      connectBroker(parseBrokerUrl(dead.url), stopRetrying).then(closeBroker, (e: Error) => e),
      DEADLINE_MS,
      'giving up',
    );
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toMatch(/connection refused/);
  });

  it('does not retry a first connection whose cause will not pass (a refused password)', async () => {
    let lost = false;
    const url = `redis://:wrong-pw@127.0.0.1:${server.port}`;
    const retrying = { retryFirstWhile: () => true, onLost: () => (lost = true) };
    const error = await connectBroker(parseBrokerUrl(url), retrying)
      .then(closeBroker)
      .then(
        () => new Error('connected'),
        (e: Error) => e,
      );
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as BrokerUnavailableError).passing).toBe(false);
    expect(lost).toBe(false);
  });
});
