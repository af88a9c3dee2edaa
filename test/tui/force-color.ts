/**
 * Imported first by tests that check colours: chalk (Ink's colours) decides its colour level
 * when it is first loaded, from FORCE_COLOR and the process's stdout — which is not a terminal
 * under the test runner. Each test file gets its own module graph, so this affects only the
 * file that imports it.
 */
process.env['FORCE_COLOR'] = '1';
