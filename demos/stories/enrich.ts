/**
 * The middle stage of the "stages" story: slow, as a call to another service would be — each
 * item waits ENRICH_MS before it goes on, with what the lookup "found".
 */
const ENRICH_MS = 6;

export async function transform(item: number): Promise<{ n: number; square: number }> {
  await new Promise((resolve) => setTimeout(resolve, ENRICH_MS));
  return { n: item, square: (item % 1000) ** 2 };
}
