// Time shift keeps the length, moves samples exactly, zero-fills, and covers the whole range per seed.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { shiftSamples, timeShift } from './time-shift.ts';

const ramp = Float32Array.from({ length: 10 }, (_, i) => i + 1);

describe('shiftSamples', () => {
  it('delays for a positive offset and advances for a negative one, zero-filled', () => {
    expect(Array.from(shiftSamples(ramp, 3))).toEqual([0, 0, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(shiftSamples(ramp, -2))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 0, 0]);
    expect(Array.from(shiftSamples(ramp, 0))).toEqual(Array.from(ramp));
    expect(Array.from(shiftSamples(ramp, 15))).toEqual(new Array(10).fill(0));
    expect(Array.from(shiftSamples(ramp, -10))).toEqual(new Array(10).fill(0));
  });

  it('returns a new array and leaves the input alone', () => {
    const copy = Float32Array.from(ramp);
    const out = shiftSamples(ramp, 0);
    out[0] = 99;
    expect(Array.from(ramp)).toEqual(Array.from(copy));
  });

  it('rejects a fractional offset', () => {
    expect(() => shiftSamples(ramp, 1.5)).toThrow('shiftSamples() offset must be an integer; got 1.5');
  });
});

describe('timeShift', () => {
  it('keeps the length, shifts by some offset within the bound, and reproduces per seed', () => {
    const signal = Float32Array.from({ length: 1600 }, (_, i) => i + 1);
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++) {
      const out = timeShift(signal, 5, new SeededRandom(seed));
      expect(out.length).toBe(1600);
      // Recover the offset from where sample 800 went.
      const offset = out.indexOf(800 + 1) - 800;
      expect(Math.abs(offset)).toBeLessThanOrEqual(5);
      expect(Array.from(out)).toEqual(Array.from(shiftSamples(signal, offset)));
      expect(Array.from(timeShift(signal, 5, new SeededRandom(seed)))).toEqual(Array.from(out));
      seen.add(offset);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
  });

  it('is the identity with a zero bound', () => {
    expect(Array.from(timeShift(ramp, 0, new SeededRandom(3)))).toEqual(Array.from(ramp));
  });
});
