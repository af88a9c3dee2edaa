import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const userModule = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/user/${name}.mjs`, import.meta.url));

/** A fresh directory for the user consumer to write what it saw. */
export function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'pipeline-tui-test-'));
}

/** Every item the user consumers wrote, by consumer id. */
export function seenItems(dir: string): Map<string, Array<{ from: string; n: number }>> {
  const seen = new Map<string, Array<{ from: string; n: number }>>();
  for (const file of readdirSync(dir)) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
    seen.set(
      file.replace(/\.jsonl$/, ''),
      lines.map((l) => JSON.parse(l) as { from: string; n: number }),
    );
  }
  return seen;
}
