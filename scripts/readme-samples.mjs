// `node scripts/readme-samples.mjs [file…]`: runs each command the README and the guides in docs/
// show with their output (or those of the files named), on the
// built bin (npm run build first), and puts the real output in place of the old. A sample is a
// ```-fenced block whose first line is `$ npx pipeline-tui …`; everything after that line in the
// block is replaced. Run it after a change to what the plain output prints.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const guides = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const FILES = process.argv.length > 2 ? process.argv.slice(2) : ['README.md', ...guides];
const BIN = 'dist/cli/main.js';
const SAMPLE = /^```\n\$ npx pipeline-tui (.*)\n[\s\S]*?^```$/gm;

/** The command's output, as a user in a plain environment gets it off a terminal. */
function run(args) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };
  try {
    return execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  } catch (error) {
    return `${error.stdout ?? ''}`; // a sample may end with an exit code other than 0
  }
}

for (const file of FILES) {
  let count = 0;
  const text = readFileSync(file, 'utf8').replace(SAMPLE, (_, command) => {
    count++;
    const output = run(command.split(' ')).trimEnd();
    return `\`\`\`\n$ npx pipeline-tui ${command}\n${output}\n\`\`\``;
  });
  writeFileSync(file, text);
  if (count > 0) console.log(`${file}: ${count} sample${count === 1 ? '' : 's'} regenerated`);
}
