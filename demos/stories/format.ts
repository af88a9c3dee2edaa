/** The last stage of the "stages" story: quick, it turns each enriched item into a line of text. */
export function transform(item: { n: number; square: number }): string {
  return `${item.n}: ${item.square}`;
}
