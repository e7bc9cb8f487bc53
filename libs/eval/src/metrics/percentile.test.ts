// Percentiles by linear interpolation (numpy 'linear') and the latency summary built on them.
import { describe, expect, it } from 'vitest';
import { summarizeLatency } from './latency-stats.ts';
import { percentile } from './percentile.ts';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4], 50, 2.5],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 100, 4],
    [[4, 1, 3, 2], 25, 1.75], // unsorted input; position 0.75 between 1 and 2
    [[10], 95, 10],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19.05], // numpy.percentile(range(1, 21), 95)
  ])('percentile(%j, %d) = %d', (values, q, expected) => {
    expect(percentile(values, q)).toBeCloseTo(expected, 10);
  });

  it('does not reorder the caller’s array', () => {
    const v = [3, 1, 2];
    percentile(v, 50);
    expect(v).toEqual([3, 1, 2]);
  });

  it('rejects empty input and q outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/must not be empty/);
    expect(() => percentile([1], 101)).toThrow(/must be in \[0, 100\]; got 101/);
  });
});

describe('summarizeLatency', () => {
  it('summarises timings in the order they came', () => {
    const s = summarizeLatency([5, 1, 3, 2, 4]);
    expect({ ...s, p95: undefined }).toEqual({ runs: 5, p50: 3, p95: undefined, mean: 3, min: 1, max: 5 });
    expect(s.p95).toBeCloseTo(4.8, 12);
  });
});
