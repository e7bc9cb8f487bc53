// How a minibatch's rows are dealt out to data-parallel workers: contiguous, as even as possible.

/**
 * Rows per shard for `count` rows over `workers` shards, in shard order (shard 0 is the main thread). Sizes differ by
 * at most one and the larger shards come last: the main thread also combines gradients and runs the optimizer, so it
 * gets the smaller share. With fewer rows than workers some shards are empty (they sit the step out).
 * @example shardSizes(10, 3) // [3, 3, 4]
 */
export function shardSizes(count: number, workers: number): number[] {
  const base = Math.floor(count / workers);
  const extra = count - base * workers;
  return Array.from({ length: workers }, (_, i) => base + (i >= workers - extra ? 1 : 0));
}
