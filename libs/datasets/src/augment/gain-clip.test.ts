// Gain, clipping and DC offset: exact values, and the random stages' probability and determinism.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { addDcOffset, applyGain, driveClip, hardClip, randomClip, randomDcOffset, randomGain } from './gain-clip.ts';

const x = Float32Array.of(0.5, -0.25, 0.1, -0.8, 0);

describe('gain, clip and DC offset', () => {
  it('applyGain multiplies by 10^(dB/20)', () => {
    expect(Array.from(applyGain(x, 20))).toEqual(Array.from(x, (v) => Math.fround(v * 10)));
    expect(Array.from(applyGain(x, -6))).toEqual(Array.from(x, (v) => Math.fround(v * 10 ** (-6 / 20))));
    expect(Array.from(applyGain(x, 0))).toEqual(Array.from(x));
  });

  it('hardClip limits to ±limit, ±1 by default', () => {
    expect(Array.from(hardClip(Float32Array.of(1.5, -2, 0.3, -1)))).toEqual([1, -1, Math.fround(0.3), -1]);
    expect(Array.from(hardClip(x, 0.25))).toEqual([0.25, -0.25, Math.fround(0.1), -0.25, 0]);
  });

  it('driveClip clips at the peak lowered by the drive', () => {
    // Peak 0.8; 20·log10(2) dB of drive puts the limit at 0.4.
    expect(Array.from(driveClip(x, 20 * Math.log10(2)))).toEqual([Math.fround(0.4), -0.25, Math.fround(0.1), Math.fround(-0.4), 0]);
    expect(Array.from(driveClip(x, 0))).toEqual(Array.from(x));
    expect(() => driveClip(x, -1)).toThrow('driveClip() driveDb must be a non-negative number; got -1');
  });

  it('addDcOffset adds a constant', () => {
    expect(Array.from(addDcOffset(x, 0.125))).toEqual(Array.from(x, (v) => Math.fround(v + 0.125)));
  });

  it('random stages apply with their probability, within their ranges, reproducibly', () => {
    const one = Float32Array.of(1);
    let gained = 0;
    for (let seed = 0; seed < 100; seed++) {
      const out = randomGain(one, { probability: 0.5, db: [-6, 6] }, new SeededRandom(seed));
      expect(out[0]).toEqual(randomGain(one, { probability: 0.5, db: [-6, 6] }, new SeededRandom(seed))[0]);
      if (out === one) continue;
      gained++;
      expect(Math.abs(20 * Math.log10(out[0] as number))).toBeLessThanOrEqual(6 + 1e-5);
    }
    expect(gained).toBeGreaterThan(35);
    expect(gained).toBeLessThan(65);
    expect(randomClip(x, { probability: 1, driveDb: [6, 6] }, new SeededRandom(1))[0]).toBeCloseTo(0.8 * 10 ** (-6 / 20), 6);
    expect(randomClip(x, { probability: 0, driveDb: [6, 6] }, new SeededRandom(1))).toBe(x);
    expect(randomDcOffset(x, { probability: 1, offset: [0.01, 0.01] }, new SeededRandom(1))[4]).toBeCloseTo(0.01, 7);
  });
});
