/**
 * The broker a command is pointed at (`run --broker`, `worker --broker`, `watch <url>`): its URL,
 * and the password from PIPELINE_TUI_BROKER_PASSWORD when the URL has none, so that it need not
 * be typed where `ps`, shell history and CI logs can read it. A URL that cannot be used is a
 * UsageError naming the flag and what is wrong, never quoting the URL (it may hold the password).
 */
import {
  BROKER_URL_FORM,
  type BrokerAddress,
  BrokerUrlError,
  parseBrokerUrl,
  withPassword,
} from '../broker/broker-url.js';
import { UsageError } from './usage-error.js';

/** The environment variable that holds the broker's password (used when the URL gives none). */
export const BROKER_PASSWORD_ENV = 'PIPELINE_TUI_BROKER_PASSWORD';

/** `text` given to `flag`, as an address. @throws UsageError */
export function brokerArg(flag: string, text: string, env: NodeJS.ProcessEnv = process.env): BrokerAddress {
  try {
    return withPassword(parseBrokerUrl(text), env[BROKER_PASSWORD_ENV]);
  } catch (error) {
    if (error instanceof BrokerUrlError)
      throw new UsageError(
        `${flag} must be ${BROKER_URL_FORM}; ${error.why} (the URL is not shown: it may hold a password)`,
      );
    throw error;
  }
}
