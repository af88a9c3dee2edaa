/** Broker URLs: what is accepted, what is refused (one line naming the flag), and redaction. */
import { describe, expect, it } from 'vitest';
import { parseBrokerUrl, redactUrl } from '../../src/broker/broker-url.js';
import { UsageError } from '../../src/cli/usage-error.js';

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
  });

  it.each([
    ['no url here', 'it is not a URL'],
    ['http://localhost:6379', 'the scheme http:// is not redis:// or rediss://'],
    ['redis://:pw@host/db', 'the database after the host must be a number'],
    ['redis://:pw@host:6379?x=1', 'it has a query or fragment'],
  ])('refuses %s with one line naming --broker, the password hidden', (url, why) => {
    let error: unknown;
    try {
      parseBrokerUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain('--broker must be a URL like redis://[:password@]host:port[/db]');
    expect(message).toContain(why);
    expect(message).not.toContain('pw');
    expect(message).not.toContain('\n');
  });
});

describe('redactUrl', () => {
  it('hides the password of every redis URL in a text, and nothing else', () => {
    expect(redactUrl('from redis://:a@b@h:1/0 to rediss://user:x y@h2 and redis://h3:5')).toBe(
      'from redis://:***@h:1/0 to rediss://user:x y@h2 and redis://h3:5',
    );
    expect(redactUrl('REDIS://:pw@h rediss://token@h http://u:p@h')).toBe(
      'REDIS://:***@h rediss://***@h http://u:***@h',
    );
  });
});
