// VTLP frequency warp: bin centres match the extractor, peaks move by alpha, edges clamp, draws reproduce per seed.
import { ASTFeatureExtractor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { freqWarp, melBinCentresHz, vtlpSourceHz, warpRowFrequencies, warpSourcePositions } from './freq-warp.ts';

// Reference formulas written out by hand (Kaldi mel; Jaitly & Hinton 2013 eq. 1, F_hi = 4800 Hz, S/2 = 8 kHz).
const mel = (hz: number) => 1127 * Math.log(1 + hz / 700);
const MEL_LO = mel(20);
const melStep = (bins: number) => (mel(8000) - MEL_LO) / (bins + 1);
const centreHz = (bins: number, b: number) => 700 * (Math.exp((MEL_LO + (b + 1) * melStep(bins)) / 1127) - 1);
const binIndexOf = (bins: number, hz: number) => (mel(hz) - MEL_LO) / melStep(bins) - 1;
function vtlpForwardHz(f: number, alpha: number): number {
  const knee = (4800 * Math.min(alpha, 1)) / alpha;
  return f <= knee ? alpha * f : 8000 - ((8000 - 4800 * Math.min(alpha, 1)) / (8000 - knee)) * (8000 - f);
}

function randomRow(frames: number, bins: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: frames * bins }, () => rng.normal());
}

describe('melBinCentresHz', () => {
  it.each([20, 40])("puts the %i bin centres where transformers.js' ASTFeatureExtractor peaks its filters", (bins) => {
    const extractor = new ASTFeatureExtractor({ feature_size: 1, num_mel_bins: bins, max_length: 98, sampling_rate: 16000, padding_value: 0, do_normalize: false, mean: 0, std: 0.5 });
    const filters = (extractor as unknown as { mel_filters: number[][] }).mel_filters;
    expect(filters.length).toBe(bins);
    const centres = melBinCentresHz(bins);
    const width = mel(centres[1] as number) - mel(centres[0] as number);
    // Every filter is the triangle of half-width one mel step around our centre, over all 257 FFT bins (31.25 Hz apart).
    let worst = 0;
    for (let b = 0; b < bins; b++) {
      expect(centres[b]).toBeCloseTo(centreHz(bins, b), 9);
      for (let j = 0; j < 257; j++) {
        const expected = Math.max(0, 1 - Math.abs(mel(j * 31.25) - mel(centres[b] as number)) / width);
        worst = Math.max(worst, Math.abs((filters[b]?.[j] as number) - expected));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('vtlpSourceHz', () => {
  it('inverts the piecewise-linear warp: a pure scaling below the knee, the Nyquist frequency fixed', () => {
    for (const alpha of [0.7, 0.9, 1, 1.1, 1.3]) {
      for (let f = 0; f <= 8000; f += 125) expect(vtlpForwardHz(vtlpSourceHz(f, alpha), alpha)).toBeCloseTo(f, 6);
      expect(vtlpSourceHz(8000, alpha)).toBeCloseTo(8000, 9);
      expect(vtlpSourceHz(1000, alpha)).toBe(1000 / alpha);
    }
  });
});

describe('warpRowFrequencies', () => {
  it('is exactly the identity at alpha = 1', () => {
    for (const bins of [20, 40]) {
      expect(Array.from(warpSourcePositions(bins, 1))).toEqual(Array.from({ length: bins }, (_, b) => b));
      const row = randomRow(98, bins, bins);
      const before = Array.from(row);
      warpRowFrequencies(row, 98, bins, 1);
      expect(Array.from(row)).toEqual(before);
    }
  });

  it.each([
    [20, 0.9],
    [20, 1.1],
    [40, 0.9],
    [40, 1.1],
    [40, 1.25],
  ])('moves a single peak at bin k of %i bins to the bin centred on alpha f_k (alpha %f)', (bins, alpha) => {
    // Bins whose centre and alpha x centre are both under 3.5 kHz: the pure-scaling part of the warp.
    const ks = Array.from({ length: bins }, (_, k) => k).filter((k) => k >= 2 && Math.max(1, alpha) * centreHz(bins, k) < 3500);
    expect(ks.length).toBeGreaterThan(5);
    for (const k of ks) {
      const frames = 3;
      const row = new Float32Array(frames * bins);
      for (let f = 0; f < frames; f++) row[f * bins + k] = 1;
      warpRowFrequencies(row, frames, bins, alpha);
      const out = Array.from(row.subarray(bins, 2 * bins));
      expect(Array.from(row.subarray(0, bins))).toEqual(out);
      // Linear interpolation of a one-bin peak: output bin b holds 1 - |source index of f_b / alpha - k|, or 0.
      for (let b = 0; b < bins; b++) {
        const source = Math.min(bins - 1, Math.max(0, binIndexOf(bins, centreHz(bins, b) / alpha)));
        expect(out[b]).toBeCloseTo(Math.max(0, 1 - Math.abs(source - k)), 6);
      }
      // The peak lands on the bin nearest alpha f_k (up to 0.02 bin where the mel curve bends across a
      // half-way target), and its centre of mass within a tenth of a bin.
      const target = binIndexOf(bins, alpha * centreHz(bins, k));
      const peak = out.indexOf(Math.max(...out));
      expect(Math.abs(peak - target)).toBeLessThan(0.52);
      const mass = out.reduce((s, v) => s + v, 0);
      const centroid = out.reduce((s, v, b) => s + v * b, 0) / mass;
      expect(Math.abs(centroid - target)).toBeLessThan(0.1);
      if (alpha !== 1) expect(Math.abs(target - k)).toBeGreaterThan(0.2);
    }
  });

  it('clamps to the edge bins where the source frequency falls outside the bin centres', () => {
    const bins = 20;
    const row = Float32Array.from({ length: 2 * bins }, (_, i) => ((i % bins) + 1) ** 2);
    // alpha 1.3 reads below the lowest centre for the lowest bins: they all take bin 0's value.
    const low = Array.from({ length: bins }, (_, b) => b).filter((b) => centreHz(bins, b) / 1.3 < centreHz(bins, 0));
    expect(low.length).toBeGreaterThanOrEqual(1);
    const up = warpRowFrequencies(row.slice(), 2, bins, 1.3);
    for (const b of low) expect(up[b]).toBe(1);
    expect(up[low.length]).toBeGreaterThan(1);
    // alpha 0.9 reads above the highest centre for the top bin (8 kHz - (8 kHz - f_19) x 3200 / 3680 > f_19).
    expect(8000 - ((8000 - centreHz(bins, bins - 1)) * 3200) / 3680).toBeGreaterThan(centreHz(bins, bins - 1));
    const down = warpRowFrequencies(row.slice(), 2, bins, 0.9);
    expect(down[bins - 1]).toBe(bins ** 2);
    expect(down[2 * bins - 1]).toBe(bins ** 2);
    expect(down[bins - 2]).toBeGreaterThan((bins - 1) ** 2);
    expect(down[bins - 2]).toBeLessThan(bins ** 2);
    for (const alpha of [0.7, 1.3]) for (const p of warpSourcePositions(bins, alpha)) expect(p >= 0 && p <= bins - 1).toBe(true);
  });

  it('rejects a row of the wrong size and a non-positive alpha', () => {
    expect(() => warpRowFrequencies(new Float32Array(10), 98, 20, 1)).toThrow('warpRowFrequencies() row has 10 values, expected frames x bins = 98 x 20 = 1960');
    expect(() => warpRowFrequencies(new Float32Array(40), 2, 20, 0)).toThrow('warpRowFrequencies() alpha must be a positive finite number; got 0');
  });
});

describe('freqWarp', () => {
  const config = { probability: 0.5, factor: [0.9, 1.1] as const };

  it('draws alpha uniform in factor with the given probability, reproducibly per seed', () => {
    const alphas = Array.from({ length: 400 }, (_, seed) => freqWarp(randomRow(4, 20, seed), 4, 20, config, new SeededRandom(seed)));
    const warped = alphas.filter((a) => a !== 1);
    expect(warped.length).toBeGreaterThan(160);
    expect(warped.length).toBeLessThan(240);
    for (const a of warped) expect(a >= 0.9 && a < 1.1).toBe(true);
    expect(Math.min(...warped)).toBeLessThan(0.92);
    expect(Math.max(...warped)).toBeGreaterThan(1.08);
    const seed = alphas.findIndex((a) => a !== 1);
    const a = randomRow(4, 20, 1);
    const b = randomRow(4, 20, 1);
    const alphaA = freqWarp(a, 4, 20, config, new SeededRandom(seed));
    expect(freqWarp(b, 4, 20, config, new SeededRandom(seed))).toBe(alphaA);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).toEqual(Array.from(warpRowFrequencies(randomRow(4, 20, 1), 4, 20, alphaA)));
  });

  it('draws nothing and changes nothing with probability 0 or no config', () => {
    for (const off of [undefined, { probability: 0, factor: [0.9, 1.1] as const }]) {
      const rng = new SeededRandom(3);
      const row = randomRow(4, 20, 3);
      const before = Array.from(row);
      expect(freqWarp(row, 4, 20, off, rng)).toBe(1);
      expect(rng.snapshot()).toEqual(new SeededRandom(3).snapshot());
      expect(Array.from(row)).toEqual(before);
    }
  });
});
