// Shards cover every row once, contiguously, differ by at most one row, and leave the main thread the smaller share.
import { describe, expect, it } from 'vitest';
import { shardSizes } from './shard-sizes.ts';

describe('shardSizes', () => {
  it.each([
    [64, 1, [64]],
    [64, 2, [32, 32]],
    [10, 3, [3, 3, 4]],
    [11, 3, [3, 4, 4]],
    [1, 2, [0, 1]],
    [2, 4, [0, 0, 1, 1]],
  ])('splits %i rows over %i workers as %j', (count, workers, expected) => {
    expect(shardSizes(count, workers)).toEqual(expected);
  });

  it('always sums to the row count with sizes at most one apart', () => {
    for (let workers = 1; workers <= 8; workers++) {
      for (let count = 0; count <= 40; count++) {
        const sizes = shardSizes(count, workers);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});
