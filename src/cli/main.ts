#!/usr/bin/env node
// Placeholder until the dashboard lands: prints help or the version.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const args = process.argv.slice(2);
if (args.includes('--version')) {
  console.log(pkg.version);
} else {
  console.log(`pipeline-tui ${pkg.version}\n\nUsage: pipeline-tui [--help] [--version]\n\nThe dashboard is not built yet; the threading toolkit is importable from "pipeline-tui".`);
}
