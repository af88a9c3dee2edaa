// producer.mjs
export async function* produce(ctx) {
  for (let n = 0; n < 1000; n++) {
    if (ctx.signal.aborted) return; // the run was asked to stop
    yield { from: ctx.id, n };
  }
}
