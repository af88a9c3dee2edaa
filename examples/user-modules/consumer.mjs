// consumer.mjs
export async function consume(item, ctx) {
  await new Promise((r) => setTimeout(r, 2)); // pretend to save it somewhere
}
