// Histogram: exact counts, growth by merging bin pairs up and down, |x| and includeZero, non-finite values skipped.
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';

describe('Histogram', () => {
  it('takes its range from the first values; the maximum goes into the last bin', () => {
    const h = new Histogram(4);
    h.add([1, 1.3, 1.6, 2]);
    expect([h.low, h.high, h.width]).toEqual([1, 2, 0.25]);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1]);
    expect(h.total).toBe(4);
    expect(h.edge(2)).toBe(1.5);
  });

  it('grows upward by merging bin pairs, keeping every count', () => {
    const h = new Histogram(8);
    h.add([0, 0.3, 0.55, 0.8, 1]); // width 0.125: bins 0, 2, 4, 6, 7
    h.add([3.5]); // doubles twice: [0, 4], width 0.5
    expect([h.low, h.high]).toEqual([0, 4]);
    // [0, 0.5): 0, 0.3 - [0.5, 1): 0.55, 0.8 and the first max 1 (it sat in the old last bin) - [3.5, 4): 3.5
    expect(Array.from(h.counts)).toEqual([2, 3, 0, 0, 0, 0, 0, 1]);
  });

  it('grows downward by extending the range below, keeping the top edge', () => {
    const h = new Histogram(4);
    h.add([1, 2]);
    h.add([-0.5]); // [1, 2] -> [0, 2] -> [-2, 2], width 1
    expect([h.low, h.high, h.width]).toEqual([-2, 2, 1]);
    expect(Array.from(h.counts)).toEqual([0, 1, 0, 2]);
  });

  it('grows with an odd number of bins too', () => {
    const h = new Histogram(3);
    h.add([0, 0.5, 2.9, 3]); // width 1: bins 0, 0, 2, 2
    h.add([-1]); // [-3, 3], width 2: old k -> floor((3 + k) / 2)
    expect([h.low, h.high]).toEqual([-3, 3]);
    expect(Array.from(h.counts)).toEqual([0, 3, 2]);
  });

  it('counts |x| with abs, from 0 with includeZero, and skips NaN and infinities', () => {
    const h = new Histogram(4, { includeZero: true });
    h.add([-4, 1, NaN, Infinity, -Infinity, 3], true);
    expect([h.low, h.high]).toEqual([0, 4]);
    expect(Array.from(h.counts)).toEqual([0, 1, 0, 2]);
  });

  it('gives a single repeated value a tiny range that later values grow', () => {
    const h = new Histogram(16);
    h.add([0, 0, 0]);
    expect(h.low).toBe(0);
    expect(h.high).toBeGreaterThan(0);
    h.add([5]);
    expect(h.high).toBe(8); // 2^-20 doubled 23 times
    expect(h.counts[0]).toBe(3);
    expect(h.counts[10]).toBe(1); // [5, 5.5)
  });
});
