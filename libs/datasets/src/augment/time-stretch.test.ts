// WSOLA time stretch: lengths, tone frequencies and levels with known answers.
import { describe, expect, it } from 'vitest';
import { TONE_RATE as RATE, tone, toneFrequency as frequency, rmsBetween as rms } from '../testing/tones.ts';
import { timeStretch } from './time-stretch.ts';


describe('timeStretch', () => {
  it.each([0.8, 1.25])('at rate %f changes the length by 1/rate and keeps a tone’s frequency and level', (rate) => {
    const out = timeStretch(tone(300), rate, RATE);
    expect(out.length).toBe(Math.round(RATE / rate));
    expect(Math.abs(frequency(out, 1000, out.length - 1000) / 300 - 1)).toBeLessThan(0.005);
    // Frames aligned in phase add up to the original amplitude: 0.5 / sqrt(2) RMS, within 0.5 dB.
    expect(Math.abs(20 * Math.log10(rms(out, 1000, out.length - 1000) / (0.5 / Math.SQRT2)))).toBeLessThan(0.5);
  });

  it('starts at full level (no fade-in) and returns silence for silence', () => {
    const out = timeStretch(tone(250), 0.9, RATE);
    expect(rms(out, 0, 480) / (0.5 / Math.SQRT2)).toBeGreaterThan(0.9);
    expect(timeStretch(new Float32Array(8000), 1.2, RATE).every((v) => v === 0)).toBe(true);
    expect(() => timeStretch(tone(250), 0, RATE)).toThrow('timeStretch() rate must be a number in [0.25, 4]; got 0');
  });
});
