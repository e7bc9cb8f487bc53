// Entropy (KL) threshold search: clips rare outliers, keeps a uniform range, ignores the ReLU zero spike.
import { SeededRandom } from '@whittle/datasets';
import { describe, expect, it } from 'vitest';
import { entropyRange, klThresholdBins } from './entropy.ts';
import { Histogram } from './histogram.ts';
import { widenRange } from '../quantize/tensor-ranges.ts';

function absHistogramOf(values: Float32Array, bins = 2048): Histogram {
  const h = new Histogram(bins, { includeZero: true });
  for (let i = 0; i < values.length; i += 10_000) h.add(values.subarray(i, i + 10_000), true);
  return h;
}

const rangeOf = (values: Float32Array) => widenRange(undefined, values);

describe('klThresholdBins', () => {
  it('keeps every non-empty bin when there are no more of them than target levels', () => {
    expect(klThresholdBins([5, 3, 1, 0, 0, 0], 4)).toBe(3);
    expect(klThresholdBins([0, 0], 4)).toBe(0);
  });

  it('clips a lone far value off a sloped distribution (whose shape coarse levels would blur)', () => {
    // A ramp over 64 bins, then one count at bin 1000. Keeping bin 1000 means groups of 62 bins that
    // average the ramp flat; clipping at 64 keeps groups of 4 and saturates the one value.
    const counts = new Float64Array(1001);
    for (let k = 0; k < 64; k++) counts[k] = 1000 - 10 * k;
    counts[1000] = 1;
    expect(klThresholdBins(counts, 16)).toBe(64);
  });

  it('keeps a far bin when the distribution is flat: zeros of P stay zeros of Q, so the gap costs nothing', () => {
    // The known blind spot of KL calibration (MXNet/TensorRT form): within-group shape is all it sees.
    const counts = new Float64Array(1001);
    counts.fill(1000, 0, 64);
    counts[1000] = 1;
    expect(klThresholdBins(counts, 16)).toBe(1001);
  });
});

describe('entropyRange', () => {
  it('clips the outliers of a Gaussian and lands in [3.5, 5] sigma', () => {
    const rng = new SeededRandom(3);
    const values = Float32Array.from({ length: 100_000 }, () => rng.normal());
    // 0.02% outliers at +-20..20.2 sigma: min/max would spend 3/4 of the levels on them.
    for (let i = 0; i < 20; i++) values[i] = (i % 2 === 0 ? 1 : -1) * (20 + i * 0.01);
    const observed = rangeOf(values);
    const r = entropyRange(absHistogramOf(values), observed, 128);
    // Measured 4.61 (the largest non-outlier |x| of 100k normal draws is ~4.4-4.6).
    expect(r.max).toBeGreaterThan(3.5);
    expect(r.max).toBeLessThan(5);
    expect(r.min).toBe(-r.max);
  });

  it('keeps about the whole range of a uniform distribution', () => {
    const rng = new SeededRandom(4);
    const values = Float32Array.from({ length: 100_000 }, () => rng.uniform(-1, 1));
    const observed = rangeOf(values);
    const r = entropyRange(absHistogramOf(values), observed, 128);
    expect(r.max).toBeGreaterThan(0.98 * observed.max);
    expect(r.min).toBeLessThan(0.98 * observed.min);
  });

  it('is not dragged down by the spike of exact zeros after a ReLU, and keeps the minimum of a non-negative tensor', () => {
    const rng = new SeededRandom(5);
    const values = Float32Array.from({ length: 100_000 }, () => Math.max(0, rng.normal()));
    const observed = rangeOf(values);
    const r = entropyRange(absHistogramOf(values), observed, 128);
    expect(r.min).toBe(0);
    // Measured 3.96; without bin 0 := bin 1 the search picks 128 bins' worth, ~1.9.
    expect(r.max).toBeGreaterThan(3);
    expect(r.max).toBeLessThanOrEqual(observed.max);
  });

  it('needs a histogram of |x| that starts at 0', () => {
    const h = new Histogram(16);
    h.add([1, 2, 3]);
    expect(() => entropyRange(h, { min: 1, max: 3 }, 8)).toThrow('entropyRange needs a histogram of |x| starting at 0; it starts at 1');
  });
});
