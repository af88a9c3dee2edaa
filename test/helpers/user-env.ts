/**
 * The environment of a user's shell, for every test that starts the built command: PATH, HOME,
 * TERM and LANG, plus what the test itself sets — never `process.env`. vitest sets NODE_ENV=test
 * (and VITEST_* and more); a bin that inherits them is not the bin a user runs, and once that
 * hid a dashboard that drew nothing outside the tests.
 */
export function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ...extra,
  };
}
