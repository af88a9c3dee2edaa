// main.cjs — the package is ESM only: from CommonJS, load it with import()
async function main() {
  const { Lock } = await import('pipeline-tui');
  const lock = new Lock();
  lock.acquire();
  console.log(`locked: ${lock.locked()}`);
  lock.release();
}
main();
