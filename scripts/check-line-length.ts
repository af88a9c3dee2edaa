/**
 * `npm run lint` (after Biome): no line of the project's code is longer than 120 characters.
 * Biome's formatter wraps code at 120 but cannot break a string, a test name or a comment, so
 * this check names each line it could not fix: `file:line: N characters`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const CODE = /\.(ts|tsx|js|mjs|cjs|java|py)$/;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => CODE.test(f));
const long = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => ([...line].length > MAX ? [`${file}:${i + 1}: ${[...line].length} characters`] : [])),
);
for (const line of long) console.error(line);
if (long.length > 0) {
  console.error(`${long.length} line(s) over ${MAX} characters`);
  process.exitCode = 1;
} else console.log(`lines: none over ${MAX} characters in ${files.length} files`);
