// SpecAugment masks whole frames and whole bins, within the configured widths, reproducibly per seed.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { warpRowFrequencies } from './freq-warp.ts';
import { specAugment, specAugmentActive, specAugmentRows } from './spec-augment.ts';

const FRAMES = 98;
const BINS = 40;
const config = { timeMasks: 2, maxTimeMaskFrames: 10, freqMasks: 2, maxFreqMaskBins: 6 };

function ones(): Float32Array {
  return new Float32Array(FRAMES * BINS).fill(1);
}

describe('specAugment', () => {
  it('masks exactly the returned frame and bin runs with the mask value, within bounds', () => {
    for (let seed = 0; seed < 50; seed++) {
      const row = ones();
      const masks = specAugment(row, FRAMES, BINS, config, new SeededRandom(seed), -2);
      expect(masks.time.length).toBe(2);
      expect(masks.freq.length).toBe(2);
      for (const [start, width] of masks.time) {
        expect(width).toBeGreaterThanOrEqual(0);
        expect(width).toBeLessThanOrEqual(10);
        expect(start + width).toBeLessThanOrEqual(FRAMES);
      }
      for (const [start, width] of masks.freq) {
        expect(width).toBeLessThanOrEqual(6);
        expect(start + width).toBeLessThanOrEqual(BINS);
      }
      const masked = (f: number, b: number) => masks.time.some(([s, w]) => f >= s && f < s + w) || masks.freq.some(([s, w]) => b >= s && b < s + w);
      let wrong = 0;
      for (let f = 0; f < FRAMES; f++) {
        for (let b = 0; b < BINS; b++) if (row[f * BINS + b] !== (masked(f, b) ? -2 : 1)) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });

  it('draws widths over the whole range and reproduces per seed', () => {
    const widths = new Set<number>();
    for (let seed = 0; seed < 300; seed++) for (const [, w] of specAugment(ones(), FRAMES, BINS, config, new SeededRandom(seed)).time) widths.add(w);
    expect([...widths].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const a = ones();
    const b = ones();
    specAugment(a, FRAMES, BINS, config, new SeededRandom(9));
    specAugment(b, FRAMES, BINS, config, new SeededRandom(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.filter((v) => v === 0).length).toBeGreaterThan(0);
  });

  it('clamps masks wider than the row and does nothing with zero masks', () => {
    const row = new Float32Array(3 * 4).fill(1);
    const masks = specAugment(row, 3, 4, { timeMasks: 3, maxTimeMaskFrames: 50, freqMasks: 1, maxFreqMaskBins: 50 }, new SeededRandom(1));
    for (const [s, w] of masks.time) expect(s + w).toBeLessThanOrEqual(3);
    for (const [s, w] of masks.freq) expect(s + w).toBeLessThanOrEqual(4);
    const untouched = ones();
    specAugment(untouched, FRAMES, BINS, { timeMasks: 0, maxTimeMaskFrames: 10, freqMasks: 0, maxFreqMaskBins: 6 }, new SeededRandom(1));
    expect(untouched.every((v) => v === 1)).toBe(true);
  });

  it('rejects a row of the wrong size', () => {
    expect(() => specAugment(new Float32Array(10), FRAMES, BINS, config, new SeededRandom(1))).toThrow('specAugment() row has 10 values, expected frames x bins = 98 x 40 = 3920');
  });
});

describe('specAugmentRows', () => {
  it('masks each row as specAugment would with the same stream, in order', () => {
    const batch = new Float32Array(3 * FRAMES * BINS).fill(1);
    specAugmentRows(batch, FRAMES, BINS, config, new SeededRandom(4));
    const rng = new SeededRandom(4);
    for (let r = 0; r < 3; r++) {
      const row = ones();
      specAugment(row, FRAMES, BINS, config, rng);
      expect(Array.from(batch.subarray(r * FRAMES * BINS, (r + 1) * FRAMES * BINS))).toEqual(Array.from(row));
    }
    expect(() => specAugmentRows(new Float32Array(100), FRAMES, BINS, config, rng)).toThrow('specAugmentRows() got 100 values, not a whole number of 98 x 40 rows');
  });
});

describe('specAugment with a frequency warp', () => {
  const kws = { timeMasks: 2, maxTimeMaskFrames: 8, freqMasks: 1, maxFreqMaskBins: 2 };

  it('draws the masks it drew before the warp existed when the warp is absent or has probability 0', () => {
    // Masks and the next draw from seed 2024, recorded from the implementation before freqWarp was added.
    const before = [
      { time: [[65, 7], [64, 5]], freq: [[13, 1]] },
      { time: [[15, 3], [66, 4]], freq: [[15, 1]] },
      { time: [[8, 4], [41, 4]], freq: [[3, 2]] },
    ];
    for (const config of [kws, { ...kws, freqWarp: { probability: 0, factor: [0.9, 1.1] as const } }]) {
      const rng = new SeededRandom(2024);
      const drawn = [0, 1, 2].map(() => specAugment(new Float32Array(98 * 20), 98, 20, config, rng));
      expect(drawn.map(({ time, freq }) => ({ time, freq }))).toEqual(before);
      expect(drawn.map((m) => m.warpFactor)).toEqual([1, 1, 1]);
      expect(rng.next()).toBe(0.004300646251067519);
    }
  });

  it('warps the row before masking it, drawing alpha before the masks', () => {
    const config = { ...kws, freqWarp: { probability: 1, factor: [1.1, 1.2] as const } };
    const ramp = () => Float32Array.from({ length: 98 * 20 }, (_, i) => 1 + (i % 20) + Math.floor(i / 20) / 100);
    const row = ramp();
    const masks = specAugment(row, 98, 20, config, new SeededRandom(5), -9);
    expect(masks.warpFactor).toBeGreaterThanOrEqual(1.1);
    expect(masks.warpFactor).toBeLessThan(1.2);
    // The same stream after the warp's two draws (apply or not, then alpha) gives the same masks.
    const skipped = new SeededRandom(5);
    skipped.next();
    skipped.next();
    const unwarped = specAugment(new Float32Array(98 * 20), 98, 20, kws, skipped);
    expect([masks.time, masks.freq]).toEqual([unwarped.time, unwarped.freq]);
    // Masked cells hold the mask value, every other cell the warped row's value (not the input's).
    const expected = warpRowFrequencies(ramp(), 98, 20, masks.warpFactor);
    const input = ramp();
    const masked = (f: number, b: number) => masks.time.some(([s, w]) => f >= s && f < s + w) || masks.freq.some(([s, w]) => b >= s && b < s + w);
    let wrong = 0;
    let moved = 0;
    for (let f = 0; f < 98; f++) {
      for (let b = 0; b < 20; b++) {
        const i = f * 20 + b;
        if (row[i] !== (masked(f, b) ? -9 : expected[i])) wrong++;
        if (!masked(f, b) && row[i] !== input[i]) moved++;
      }
    }
    expect(wrong).toBe(0);
    expect(moved).toBeGreaterThan(98 * 10);
  });
});

describe('specAugmentActive', () => {
  it.each([
    [{ timeMasks: 0, maxTimeMaskFrames: 10, freqMasks: 0, maxFreqMaskBins: 6 }, false],
    [{ timeMasks: 1, maxTimeMaskFrames: 10, freqMasks: 0, maxFreqMaskBins: 6 }, true],
    [{ timeMasks: 0, maxTimeMaskFrames: 10, freqMasks: 1, maxFreqMaskBins: 6 }, true],
    [{ timeMasks: 0, maxTimeMaskFrames: 0, freqMasks: 0, maxFreqMaskBins: 0, freqWarp: { probability: 0, factor: [0.9, 1.1] as const } }, false],
    [{ timeMasks: 0, maxTimeMaskFrames: 0, freqMasks: 0, maxFreqMaskBins: 0, freqWarp: { probability: 0.3, factor: [0.9, 1.1] as const } }, true],
  ])('is %j -> %s', (config, active) => {
    expect(specAugmentActive(config)).toBe(active);
  });
});
