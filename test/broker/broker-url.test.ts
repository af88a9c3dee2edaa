/**
 * Broker URLs: what is accepted, what is refused (BrokerUrlError, saying what is wrong without
 * quoting the URL), and redaction — with URLs malformed the ways people really type them, each
 * holding a marker password that must never come out.
 */
import { describe, expect, it } from 'vitest';
import { BrokerUrlError, parseBrokerUrl, redactUrl, withPassword } from '../../src/broker/broker-url.js';

const MARKER = 's3cr3t';

describe('parseBrokerUrl', () => {
  it('reads host, port, database, password and TLS', () => {
    expect(parseBrokerUrl('redis://:s3cret@db.example:6380/2')).toEqual({
      tls: false,
      host: 'db.example',
      port: 6380,
      db: 2,
      username: undefined,
      password: 's3cret',
      shown: 'redis://:***@db.example:6380/2',
    });
    const tls = parseBrokerUrl('rediss://app:p%40ss@[::1]');
    expect(tls).toMatchObject({ tls: true, host: '::1', port: 6379, db: 0, username: 'app', password: 'p@ss' });
    expect(tls.shown).toBe('rediss://app:***@[::1]');
    expect(parseBrokerUrl('redis://localhost').shown).toBe('redis://localhost');
    expect(parseBrokerUrl(`redis://${MARKER}@h`).shown).toBe('redis://***@h');
    expect(parseBrokerUrl(`redis://:a%2Fb${MARKER}@h:1/0`)).toMatchObject({ password: `a/b${MARKER}`, port: 1 });
  });

  it.each([
    ['no url here', 'it is not a URL'],
    ['http://localhost:6379', 'the scheme http:// is not redis:// or rediss://'],
    [`redis://:${MARKER}@host/db`, 'the database after the host must be a number'],
    [`redis://:${MARKER}@host:6379?x=1`, 'it has a query or fragment'],
    [`redis://h:6379/?password=${MARKER}`, 'it has a query or fragment'],
    [`redis://:pa/Y%41!${MARKER}@host:6379`, 'it is not a URL'],
    [`redis://:9:x/Y%41!${MARKER}@host:6379`, 'it is not a URL'],
    [`redis://:pw@host/0/Y!${MARKER}@x`, 'the database after the host must be a number'],
    [`redis:///:${MARKER}@host`, 'it names no host'],
    [`redis://:bad%zz${MARKER}@host`, "the password has a '%' that is not an escape: write it %25"],
    [`redis://us%zz${MARKER}:pw@host`, "the user name has a '%' that is not an escape: write it %25"],
    [`redis://:pw#${MARKER}@host`, 'it is not a URL'],
  ])('refuses %s saying why, quoting none of it', (url, why) => {
    let error: unknown;
    try {
      parseBrokerUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BrokerUrlError);
    expect((error as BrokerUrlError).why).toContain(why);
    const message = (error as Error).message;
    expect(message).toMatch(/^a broker URL must be a URL like redis:\/\/\[:password@\]host:port\[\/db\]/);
    expect(message).not.toContain(MARKER);
    expect(message).not.toContain('pw');
    expect(message).not.toContain('\n');
  });
});

describe('withPassword', () => {
  it('adds a password the URL lacks, shown as ***; a password in the URL wins', () => {
    expect(withPassword(parseBrokerUrl('redis://h:1/2'), MARKER)).toMatchObject({
      password: MARKER,
      shown: 'redis://:***@h:1/2',
    });
    expect(withPassword(parseBrokerUrl('redis://:url-pw@h'), MARKER)).toMatchObject({ password: 'url-pw' });
    expect(withPassword(parseBrokerUrl('redis://h'), undefined)).toMatchObject({ password: undefined });
  });
});

describe('redactUrl', () => {
  it('hides the password of every URL in a text, and nothing else', () => {
    expect(redactUrl('from redis://:a@b@h:1/0 to rediss://user:x y@h2 and redis://h3:5')).toBe(
      'from redis://:***@h:1/0 to rediss://user:x y@h2 and redis://h3:5',
    );
    expect(redactUrl('REDIS://:pw@h rediss://token@h http://u:p@h')).toBe(
      'REDIS://:***@h rediss://***@h http://u:***@h',
    );
  });

  it('hides a password with a / in it, before the host or in a query', () => {
    for (const url of [
      `redis://:9:x/Y%41!${MARKER}@host:6379`,
      `redis:///:${MARKER}@host`,
      `redis://h:6379/?password=${MARKER}&db=1`,
      `redis://h?auth=${MARKER}`,
    ])
      expect(redactUrl(`at ${url} now`)).not.toContain(MARKER);
  });
});
