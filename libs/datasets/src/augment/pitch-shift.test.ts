// Pitch shift: a tone moves by the semitones asked for, at the same length and level; draws reproduce per seed.
import { describe, expect, it } from 'vitest';
import { TONE_RATE as RATE, tone, toneFrequency as frequency, rmsBetween as rms } from '../testing/tones.ts';
import { SeededRandom } from '../core/random.ts';
import { pitchShift, randomPitchShift } from './pitch-shift.ts';


describe('pitchShift', () => {
  it.each([3, -3, 1])('moves a tone by %i semitones and keeps the length', (semitones) => {
    const out = pitchShift(tone(440), semitones, RATE);
    expect(out.length).toBe(RATE);
    const expected = 440 * 2 ** (semitones / 12);
    expect(Math.abs(frequency(out, 1000, RATE - 1000) / expected - 1)).toBeLessThan(0.005);
    expect(Math.abs(20 * Math.log10(rms(out, 1000, RATE - 1000) / (0.5 / Math.SQRT2)))).toBeLessThan(0.5);
  });

  it('draws with its probability from the seed, reproducibly', () => {
    const x = tone(200);
    const config = { probability: 0.5, semitones: [-3, 3] as const };
    let shifted = 0;
    for (let seed = 0; seed < 20; seed++) {
      const out = randomPitchShift(x, config, RATE, new SeededRandom(seed));
      if (out !== x) shifted++;
      expect(Array.from(randomPitchShift(x, config, RATE, new SeededRandom(seed)))).toEqual(Array.from(out));
    }
    expect(shifted).toBeGreaterThan(4);
    expect(shifted).toBeLessThan(16);
  });
});
