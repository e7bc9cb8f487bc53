// Percentile math: quantiles of known distributions read off a histogram, and the clipped ranges.
import { SeededRandom } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';
import { widenRange } from '../quantize/tensor-ranges.ts';
import { histogramQuantile, percentileRange } from './percentile.ts';

function histogramOf(values: Float32Array, bins: number): Histogram {
  const h = new Histogram(bins);
  for (let i = 0; i < values.length; i += 10_000) h.add(values.subarray(i, i + 10_000));
  return h;
}

const rangeOf = (values: Float32Array) => widenRange(undefined, values);

// Standard normal quantiles: P(X <= z).
const Z_995 = 2.5758293;
const Z_9995 = 3.2905267;

describe('histogramQuantile', () => {
  it('reads the quantiles of an evenly spaced grid to within a bin width', () => {
    const grid = Float32Array.from({ length: 100_001 }, (_, k) => k / 100_000);
    // Fed in order, the range starts at [0, 0.09999] and doubles 4 times: bins ~1.6 / 4096 wide.
    const h = histogramOf(grid, 4096);
    expect(h.high).toBeCloseTo(1.6, 3);
    for (const q of [0, 0.1, 0.5, 0.9, 0.999, 1]) expect(Math.abs(histogramQuantile(h, q) - q)).toBeLessThan(h.width);
  });

  it('is NaN for an empty histogram and rejects q outside [0, 1]', () => {
    expect(histogramQuantile(new Histogram(8), 0.5)).toBeNaN();
    expect(() => histogramQuantile(new Histogram(8), 1.5)).toThrow('quantile must be in [0, 1]; got 1.5');
  });
});

describe('percentileRange', () => {
  const rng = new SeededRandom(7);
  const normal = Float32Array.from({ length: 200_000 }, () => rng.normal());
  const h = histogramOf(normal, 4096);
  const observed = rangeOf(normal);

  it('cuts (100 - p) / 2 % off each tail of a signed tensor (standard normal: +-z)', () => {
    // Sampling error of a 99.5% quantile over 200k draws is ~0.01; the bin width ~0.002.
    const r99 = percentileRange(h, observed, 99);
    expect(Math.abs(r99.min + Z_995)).toBeLessThan(0.04);
    expect(Math.abs(r99.max - Z_995)).toBeLessThan(0.04);
    const r999 = percentileRange(h, observed, 99.9);
    expect(Math.abs(r999.min + Z_9995)).toBeLessThan(0.08);
    expect(Math.abs(r999.max - Z_9995)).toBeLessThan(0.08);
  });

  it('keeps the minimum of a non-negative tensor and cuts only the top (half-normal: p-th of |x|)', () => {
    const half = normal.map(Math.abs);
    const r = percentileRange(histogramOf(half, 4096), rangeOf(half), 99);
    expect(r.min).toBe(rangeOf(half).min);
    expect(Math.abs(r.max - Z_995)).toBeLessThan(0.04);
  });

  it('is min/max at 100 and never leaves the observed range', () => {
    expect(percentileRange(h, observed, 100)).toEqual(observed);
    const r = percentileRange(h, observed, 50.001);
    expect(r.min).toBeGreaterThanOrEqual(observed.min);
    expect(r.max).toBeLessThanOrEqual(observed.max);
    expect(Math.abs(r.min + 0.6745)).toBeLessThan(0.02); // the quartiles
    expect(Math.abs(r.max - 0.6745)).toBeLessThan(0.02);
  });
});
