// Speed perturbation: known lengths and frequencies, centring back into the clip, determinism per seed.
import { describe, expect, it } from 'vitest';
import { TONE_RATE as RATE, tone, toneFrequency as frequency } from '../testing/tones.ts';
import { SeededRandom } from '../core/random.ts';
import { changeSpeed, quantizeSpeedFactor, randomSpeed } from './speed-perturb.ts';


describe('changeSpeed', () => {
  it('at 1.1 shortens a clip by 1/1.1 and moves a tone up by 1.1', () => {
    const out = changeSpeed(tone(500), 1.1, RATE);
    expect(Math.abs(out.length - RATE / 1.1)).toBeLessThanOrEqual(1);
    expect(frequency(out, 1000, out.length - 1000)).toBeCloseTo(550, 0);
    expect(Math.abs(frequency(out, 1000, out.length - 1000) / 550 - 1)).toBeLessThan(0.002);
  });

  it('at 0.9 lengthens by 1/0.9 and moves a tone down by 0.9, at the same amplitude', () => {
    const out = changeSpeed(tone(1000), 0.9, RATE);
    expect(Math.abs(out.length - RATE / 0.9)).toBeLessThanOrEqual(1);
    expect(Math.abs(frequency(out, 1000, out.length - 1000) / 900 - 1)).toBeLessThan(0.002);
    const peak = out.subarray(1000, out.length - 1000).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThan(0.51);
  });

  it('rounds factors to a 1/200 grid and rejects factors and rates it cannot use', () => {
    expect(quantizeSpeedFactor(1.1013)).toBe(1.1);
    expect(quantizeSpeedFactor(0.8976)).toBe(0.9);
    expect(changeSpeed(tone(500), 1.1012, RATE).length).toBe(changeSpeed(tone(500), 1.1, RATE).length);
    expect(() => changeSpeed(tone(500), 5, RATE)).toThrow('changeSpeed() factor must be a number in [0.25, 4]; got 5');
    expect(() => changeSpeed(tone(500), 1.1, 44101)).toThrow(/sampleRate must be a positive multiple of 200 Hz; got 44101/);
  });
});

describe('randomSpeed', () => {
  const word = Float32Array.from({ length: RATE }, (_, i) => (i >= 6000 && i < 10000 ? Math.sin((2 * Math.PI * 400 * i) / RATE) : 0));

  it('keeps the clip length and the word centred', () => {
    for (const factor of [0.85, 1.15]) {
      const out = randomSpeed(word, { probability: 1, factor: [factor, factor] }, RATE, new SeededRandom(1));
      expect(out.length).toBe(RATE);
      const loud = Array.from(out).flatMap((v, i) => (Math.abs(v) > 0.05 ? [i] : []));
      const centre = ((loud[0] as number) + (loud.at(-1) as number)) / 2;
      expect(Math.abs(centre - 8000)).toBeLessThan(20);
      // The word's duration scales by 1 / factor.
      expect(Math.abs((loud.at(-1) as number) - (loud[0] as number) - 4000 / factor)).toBeLessThan(20);
    }
  });

  it('applies with its probability, and reproduces per seed', () => {
    const config = { probability: 0.5, factor: [0.85, 1.15] as const };
    let changed = 0;
    for (let seed = 0; seed < 40; seed++) {
      const out = randomSpeed(word, config, RATE, new SeededRandom(seed));
      if (out !== word) changed++;
      expect(Array.from(randomSpeed(word, config, RATE, new SeededRandom(seed)))).toEqual(Array.from(out));
    }
    expect(changed).toBeGreaterThan(10);
    expect(changed).toBeLessThan(30);
    expect(randomSpeed(word, { probability: 0, factor: [0.5, 0.5] }, RATE, new SeededRandom(3))).toBe(word);
  });
});
