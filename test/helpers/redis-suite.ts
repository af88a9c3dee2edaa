/**
 * A redis-server and a connection to it for the tests of one describe block: started before them
 * (with the built CLI, which those tests run), stopped after. Call it inside the describe.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { parseBrokerUrl } from '../../src/broker/broker-url.js';
import { closeBroker, connectBroker } from '../../src/broker/connect.js';
import { ensureBuilt } from './dist.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

export interface RedisSuite {
  readonly server: RedisServer;
  readonly redis: Redis;
}

export function redisSuite(password: string): RedisSuite {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer({ password });
    redis = await connectBroker(parseBrokerUrl(server.url));
  }, 120_000);
  afterAll(async () => {
    if (redis) await closeBroker(redis);
    await server?.stop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('redisSuite: the server is started in beforeAll');
      return server;
    },
    get redis() {
      if (redis === undefined) throw new Error('redisSuite: the connection is made in beforeAll');
      return redis;
    },
  };
}
