// fitLength crops or pads about the centre, never in place.
import { describe, expect, it } from 'vitest';
import { fitLength } from './fit-length.ts';

describe('fitLength', () => {
  it('crops equal parts of both ends, and pads equal silence on both sides (odd sample at the end)', () => {
    expect(Array.from(fitLength(Float32Array.of(1, 2, 3, 4), 2))).toEqual([2, 3]);
    expect(Array.from(fitLength(Float32Array.of(1, 2, 3, 4, 5), 2))).toEqual([2, 3]);
    expect(Array.from(fitLength(Float32Array.of(1, 2), 5))).toEqual([0, 1, 2, 0, 0]);
    expect(Array.from(fitLength(Float32Array.of(1, 2), 0))).toEqual([]);
  });

  it('returns a copy at the same length and rejects a bad length', () => {
    const x = Float32Array.of(1, 2);
    const y = fitLength(x, 2);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual([1, 2]);
    expect(() => fitLength(x, 1.5)).toThrow('fitLength() length must be a non-negative integer; got 1.5');
  });
});
