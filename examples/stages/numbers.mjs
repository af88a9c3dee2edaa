// numbers.mjs: each producer yields the numbers 1 to 1000
export function* produce(ctx) {
  for (let n = 1; n <= 1000; n++) {
    if (ctx.signal.aborted) return; // the run was asked to stop
    yield n;
  }
}
