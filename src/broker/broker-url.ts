/**
 * Broker URLs: `redis://[[user]:password@]host[:port][/db]`, and `rediss://` for TLS.
 *
 * `redactUrl` is the one place a URL is made fit to show: every URL that reaches the dashboard,
 * plain or JSON output, a recording, the metrics log or an error message goes through it, so the
 * password never leaves the process. It works on any text, so a message that quotes a URL (an
 * error from the client, say) is safe too.
 */
import { UsageError } from '../cli/usage-error.js';

/** A parsed broker URL: what the client needs, and `shown`, the redacted text for people. */
export interface BrokerAddress {
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username: string | undefined;
  password: string | undefined;
  /** The URL with its password replaced by `***`: the only form of it ever shown. */
  shown: string;
}

export const DEFAULT_REDIS_PORT = 6379;

/** What `redactUrl` puts where a password was. */
export const REDACTED = '***';

// scheme://userinfo@ — userinfo runs to the last '@' before the host (a password may hold an '@').
// Any scheme: a URL refused for its scheme (http://:pw@…) is still quoted in the message.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/]*)@/gi;

/** `text` with the password of every URL in it (redis://, rediss://, any) replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    // Without a colon the whole userinfo may be a password (the old `redis://secret@host` form).
    return `${scheme}${colon < 0 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@`;
  });
}

const FORM = 'a URL like redis://[:password@]host:port[/db] (rediss:// for TLS)';

/** Parses a broker URL given to `flag`. @throws UsageError naming the flag, with the URL redacted. */
export function parseBrokerUrl(text: string, flag = '--broker'): BrokerAddress {
  const refuse = (why: string): never => {
    throw new UsageError(`${flag} must be ${FORM}; ${why}, got "${redactUrl(text)}"`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('it is not a URL');
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') refuse(`the scheme ${url.protocol}// is not redis:// or rediss://`);
  if (url.hostname === '') refuse('it names no host');
  if (url.search !== '' || url.hash !== '') refuse('it has a query or fragment');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) refuse('the database after the host must be a number');
  const decode = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s));
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1, as the socket wants it
  return {
    tls: scheme === 'rediss:',
    host,
    port,
    db: path === '' ? 0 : Number(path),
    username: decode(url.username),
    password: decode(url.password),
    shown: redactUrl(text),
  };
}

/** `host:port` as people write it (IPv6 in brackets), for one-line messages. */
export function hostPort(address: Pick<BrokerAddress, 'host' | 'port'>): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
