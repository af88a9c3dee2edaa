// square.mjs: an async transform, as a call to another service would be
export async function transform(n) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return n * n;
}
