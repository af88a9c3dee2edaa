/**
 * The first stage of the "stages" story (a --stage module, as a user writes one): a quick check
 * that drops every fifth item, as a validation step would drop the bad records.
 */
export function transform(item: number): number | undefined {
  return item % 5 === 4 ? undefined : item;
}
