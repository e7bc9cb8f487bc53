// Band limiting: tones outside the band fall by the Butterworth response's known dB, tones inside pass.
import { describe, expect, it } from 'vitest';
import { TONE_RATE as RATE, tone } from '../testing/tones.ts';
import { SeededRandom } from '../core/random.ts';
import { bandLimit, randomBandLimit, TELEPHONE_BAND } from './band-limit.ts';
import { applyBiquads, butterworthQs, lowpassBiquad } from './biquad.ts';


/** Gain in dB of `out` against `x`, over the second half (after the filters' start-up transient). */
function gainDb(out: Float32Array, x: Float32Array): number {
  let a = 0;
  let b = 0;
  for (let i = RATE / 2; i < RATE; i++) {
    a += (out[i] as number) ** 2;
    b += (x[i] as number) ** 2;
  }
  return 10 * Math.log10(a / b);
}

/** The digital (bilinear) 4th-order Butterworth response: band pass = high-pass at `lo` times low-pass at `hi`. */
function butterworthDb(hz: number, lo: number, hi: number): number {
  const w = (f: number) => Math.tan((Math.PI * f) / RATE);
  const highPass = 1 / (1 + (w(lo) / w(hz)) ** 8);
  const lowPass = 1 / (1 + (w(hz) / w(hi)) ** 8);
  return 10 * Math.log10(highPass * lowPass);
}

describe('bandLimit', () => {
  it.each([
    [100, -38.2],
    [6000, -38.8],
    [1000, 0],
  ])('telephone band: a %i Hz tone comes out at the Butterworth response (≈%f dB) within 2 dB', (hz, approx) => {
    const [lo, hi] = TELEPHONE_BAND;
    const expected = butterworthDb(hz, lo, hi);
    expect(expected).toBeCloseTo(approx, 0);
    expect(Math.abs(gainDb(bandLimit(tone(hz), lo, hi, RATE), tone(hz)) - expected)).toBeLessThan(2);
  });

  it('passes 1 kHz within 0.2 dB and is -3 dB at both cutoffs', () => {
    expect(Math.abs(gainDb(bandLimit(tone(1000), 300, 3400, RATE), tone(1000)))).toBeLessThan(0.2);
    // At each cutoff its own edge is -3.01 dB; the other edge adds a little (far away, 4th order).
    expect(gainDb(bandLimit(tone(200), 200, 5000, RATE), tone(200))).toBeCloseTo(-3.01, 1);
    expect(gainDb(bandLimit(tone(5000), 200, 5000, RATE), tone(5000))).toBeCloseTo(-3.01, 1);
  });

  it('uses Butterworth section Qs, and a Q of 1/sqrt(2) low-pass is -3 dB at its cutoff', () => {
    const qs = butterworthQs(4);
    expect(qs[0]).toBeCloseTo(0.5412, 4);
    expect(qs[1]).toBeCloseTo(1.3066, 4);
    expect(butterworthQs(2)[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(gainDb(applyBiquads(tone(2000), [lowpassBiquad(2000, Math.SQRT1_2, RATE)]), tone(2000))).toBeCloseTo(-3.01, 1);
    expect(() => lowpassBiquad(8000, 0.7, RATE)).toThrow('lowpassBiquad() cutoffHz must be in (0, 8000) for a 16000 Hz signal; got 8000');
    expect(() => bandLimit(tone(100), 3000, 300, RATE)).toThrow('bandLimit() needs lowHz < highHz; got 3000 and 300');
  });
});

describe('randomBandLimit', () => {
  const config = { probability: 1, telephoneShare: 0, highPassHz: [300, 300] as const, lowPassHz: [3000, 3000] as const };

  it('draws cheap-microphone edges from the ranges, or the telephone band by its share', () => {
    const x = tone(5000);
    const mic = randomBandLimit(x, config, RATE, new SeededRandom(1));
    expect(Array.from(mic)).toEqual(Array.from(bandLimit(x, 300, 3000, RATE)));
    const phone = randomBandLimit(x, { ...config, telephoneShare: 1 }, RATE, new SeededRandom(1));
    expect(Array.from(phone)).toEqual(Array.from(bandLimit(x, 300, 3400, RATE)));
    expect(randomBandLimit(x, { ...config, probability: 0 }, RATE, new SeededRandom(1))).toBe(x);
  });

  it('reproduces per seed and varies across seeds', () => {
    const wide = { probability: 1, telephoneShare: 0.3, highPassHz: [50, 400] as const, lowPassHz: [3000, 7000] as const };
    const x = tone(3500);
    const a = randomBandLimit(x, wide, RATE, new SeededRandom(4));
    expect(Array.from(randomBandLimit(x, wide, RATE, new SeededRandom(4)))).toEqual(Array.from(a));
    expect(Array.from(randomBandLimit(x, wide, RATE, new SeededRandom(5)))).not.toEqual(Array.from(a));
  });
});
