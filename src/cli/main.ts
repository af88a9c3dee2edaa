#!/usr/bin/env node
/**
 * The `pipeline-tui` bin. Its one job is to choose React's build before anything loads React:
 * React and react-reconciler each pick theirs from NODE_ENV when first loaded, and a mix of the
 * two builds renders nothing. Static imports are all loaded before a module's body runs, so the
 * choice is made here and the CLI is imported only afterwards.
 *
 * Unless the user chose otherwise, the production build: the development one (extra checks, a
 * performance.measure per component render) costs the dashboard several times the CPU per frame,
 * CPU the pipeline's workers share.
 *
 * Its other job is start-up: `--version` and `--help` are answered before anything else loads
 * (early-answer.ts).
 */
import { earlyAnswer } from './early-answer.js';

process.env['NODE_ENV'] ??= 'production';
// `--version` and `--help` need neither yargs nor the engine: answered here, as yargs would (console.log).
const answer = earlyAnswer(process.argv.slice(2));
if (answer !== undefined) console.log(answer);
else await import('./cli.js');
