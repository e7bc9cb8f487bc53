// SNR, cosine and MSE on hand-computed vectors, streamed in chunks, and the edge cases (exact match, zeros).
import { describe, expect, it } from 'vitest';
import { ErrorAccumulator, errorStats, SNR_LIMIT_DB } from './error-stats.ts';

describe('errorStats', () => {
  it('matches hand computation: x = [1, 2, 3, 4], q = [1, 2, 3, 5]', () => {
    const s = errorStats([1, 2, 3, 4], [1, 2, 3, 5]);
    // signal 30, noise 1, x.q 34, |q|^2 39.
    expect(s.snrDb).toBeCloseTo(10 * Math.log10(30), 12);
    expect(s.snrDb).toBeCloseTo(14.771212547, 8);
    expect(s.cosine).toBeCloseTo(34 / Math.sqrt(30 * 39), 12);
    expect(s.mse).toBe(0.25);
    expect(s.count).toBe(4);
  });

  it('gives -6.02 dB and cosine -1 for a sign flip, 20 dB for 10% uniform error', () => {
    const flip = errorStats([1, -2, 3], [-1, 2, -3]);
    expect(flip.snrDb).toBeCloseTo(10 * Math.log10(1 / 4), 12);
    expect(flip.cosine).toBe(-1);
    expect(flip.mse).toBeCloseTo(56 / 3, 12);
    const tenth = errorStats([1, 1, 1, 1], [1.1, 0.9, 1.1, 0.9]);
    expect(tenth.snrDb).toBeCloseTo(20, 10);
    expect(tenth.mse).toBeCloseTo(0.01, 12);
  });

  it('streams: chunks give the same result as one array (sums, not per-chunk averages)', () => {
    const acc = new ErrorAccumulator();
    acc.add([1, 2], [1, 2]);
    acc.add(Float32Array.of(3, 4), Float32Array.of(3, 5));
    const whole = errorStats([1, 2, 3, 4], [1, 2, 3, 5]);
    expect(acc.stats()).toEqual(whole);
  });

  it('clamps to the limit for exact matches and zero references; cosine conventions for zero vectors', () => {
    expect(errorStats([0.5, -2], [0.5, -2])).toEqual({ snrDb: SNR_LIMIT_DB, cosine: 1, mse: 0, count: 2 });
    expect(errorStats([0, 0], [0, 0])).toEqual({ snrDb: SNR_LIMIT_DB, cosine: 1, mse: 0, count: 2 });
    expect(errorStats([0, 0], [3, 4])).toEqual({ snrDb: -SNR_LIMIT_DB, cosine: 0, mse: 12.5, count: 2 });
    expect(JSON.parse(JSON.stringify(errorStats([1], [1])))).toEqual({ snrDb: SNR_LIMIT_DB, cosine: 1, mse: 0, count: 1 });
  });

  it('rejects mismatched lengths and an empty accumulator', () => {
    expect(() => errorStats([1, 2], [1])).toThrow('ErrorAccumulator.add needs equally long arrays; got 2 reference and 1 actual values');
    expect(() => new ErrorAccumulator().stats()).toThrow('ErrorAccumulator.stats called before any values were added');
  });
});
