/**
 * Broker URLs: `redis://[[user]:password@]host[:port][/db]`, and `rediss://` for TLS.
 *
 * `redactUrl` is the one place a URL is made fit to show: every URL that reaches the dashboard,
 * plain or JSON output, a recording, the metrics log or an error message goes through it, so the
 * password never leaves the process. It works on any text, so a message that quotes a URL (an
 * error from the client, say) is safe too. A URL that is refused is never quoted at all: one that
 * does not parse as meant may hold its password anywhere (`redis:///:pw@host`, a `/` in it).
 */

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

/** The form a broker URL takes, for messages. */
export const BROKER_URL_FORM = 'a URL like redis://[:password@]host:port[/db] (rediss:// for TLS)';

/**
 * A broker URL that cannot be used: `why` says what is wrong with it, without quoting any of it.
 * The command line turns it into a UsageError naming its flag.
 */
export class BrokerUrlError extends Error {
  override name = 'BrokerUrlError';
  constructor(readonly why: string) {
    super(`a broker URL must be ${BROKER_URL_FORM}; ${why}`);
  }
}

// scheme://userinfo@ — userinfo runs to the last '@' of the word (a password may hold '@' or '/').
// Any scheme: a message may quote a URL of any kind.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;
// A password given as a query parameter (`?password=…`, as some clients take it).
const QUERY_SECRET = /([?&](?:password|pass|pwd|auth|secret|token)=)[^&#\s]*/gi;

/** `text` with the password of every URL in it (redis://, rediss://, any) replaced by `***`. */
export function redactUrl(text: string): string {
  return text
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      // Without a colon the whole userinfo may be a password (the old `redis://secret@host` form).
      return `${scheme}${colon < 0 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@`;
    })
    .replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** Parses a broker URL. @throws BrokerUrlError saying what is wrong, never quoting the URL */
export function parseBrokerUrl(text: string): BrokerAddress {
  const refuse = (why: string): never => {
    throw new BrokerUrlError(why);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse("it is not a URL: a '/', '?', '#' or '%' in a password is written %2F, %3F, %23, %25");
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') refuse(`the scheme ${url.protocol}// is not redis:// or rediss://`);
  if (url.hostname === '') refuse('it names no host');
  if (url.search !== '' || url.hash !== '')
    refuse("it has a query or fragment: a password goes before the host (redis://:password@host), a '#' in it as %23");
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path))
    refuse("the database after the host must be a number: a '/' in a password is written %2F");
  const decode = (s: string, what: string): string | undefined => {
    try {
      return s === '' ? undefined : decodeURIComponent(s);
    } catch {
      return refuse(`the ${what} has a '%' that is not an escape: write it %25`);
    }
  };
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1, as the socket wants it
  const username = decode(url.username, 'user name');
  const password = decode(url.password, 'password');
  return {
    tls: scheme === 'rediss:',
    host,
    port,
    db: path === '' ? 0 : Number(path),
    username,
    password,
    shown: shownOf(url),
  };
}

/** The URL as people may see it, built from its parts: the password (or a lone user name) as `***`. */
function shownOf(url: URL): string {
  const userinfo = url.password !== '' ? `${url.username}:${REDACTED}@` : url.username !== '' ? `${REDACTED}@` : '';
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}`;
}

/** The address with `password` when it names none itself (a password kept out of argv). */
export function withPassword(address: BrokerAddress, password: string | undefined): BrokerAddress {
  if (address.password !== undefined || password === undefined || password === '') return address;
  // A lone user name is shown as `***@` already; otherwise the password's place is marked.
  const shown = address.username !== undefined ? address.shown : address.shown.replace('//', `//:${REDACTED}@`);
  return { ...address, password, shown };
}

/** `host:port` as people write it (IPv6 in brackets), for one-line messages. */
export function hostPort(address: Pick<BrokerAddress, 'host' | 'port'>): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
