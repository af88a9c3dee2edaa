// keep-odd.mjs: a filter, returning undefined drops the item
export function transform(n) {
  return n % 2 === 1 ? n : undefined;
}
