/**
 * Items for the large-item stress runs: by sequence number a number, a short string, or a record
 * or string from 300 bytes to 96 KiB — mostly too large for a 256-byte slot — whose size follows
 * from its producer and number, so a consumer can check that each one came back whole.
 */

/** Body length of item `seq` of producer `id`: mostly 300 B to a few KiB, every 16th up to 96 KiB. */
export function bodyLength(id: number, seq: number): number {
  const h = Math.imul(id * 7919 + seq, 2654435761) >>> 0;
  return seq % 16 === 5 ? 4096 + (h % (92 * 1024)) : 300 + (h % 4000);
}

/** Item `seq` of producer `id`: the kinds queue-consumer.ts decodes (a number, "id:seq:ünï…", { p, n, tags }). */
export function largeItemFor(id: number, seq: number): unknown {
  switch (seq % 4) {
    case 0:
      return id * 1e7 + seq;
    case 1:
      return `${id}:${seq}:ünï:${'s'.repeat(bodyLength(id, seq))}`;
    case 2:
      return { p: id, n: seq, tags: ['a', 'β'], body: 'b'.repeat(bodyLength(id, seq)) };
    default:
      return `${id}:${seq}:ünï`;
  }
}

/** Throws unless a string or record of {@link largeItemFor} came back whole. */
export function checkWhole(item: unknown): void {
  if (typeof item === 'string') {
    const [p, n, , pad] = item.split(':');
    if (pad !== undefined && pad.length !== bodyLength(Number(p), Number(n)))
      throw new Error(
        `string ${p}:${n} came back with ${pad.length} padding characters, not ${bodyLength(Number(p), Number(n))}`,
      );
  } else if (typeof item === 'object' && item !== null && 'body' in item) {
    const o = item as { p: number; n: number; body: string };
    if (o.body.length !== bodyLength(o.p, o.n) || o.body !== 'b'.repeat(o.body.length))
      throw new Error(`record ${o.p}:${o.n} came back damaged (body of ${o.body.length} characters)`);
  }
}
