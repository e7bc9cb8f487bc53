// FFT convolution equals direct convolution, for any lengths, cut to the length asked for.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { fftConvolve } from './fft-convolve.ts';

function direct(a: Float32Array, b: Float32Array, length: number): number[] {
  return Array.from({ length }, (_, i) => {
    let s = 0;
    for (let j = 0; j < b.length; j++) if (i - j >= 0 && i - j < a.length) s += (a[i - j] as number) * (b[j] as number);
    return s;
  });
}

describe('fftConvolve', () => {
  it.each([
    [1, 1, 1],
    [1, 5, 5],
    [7, 3, 9],
    [300, 77, 376],
    [1000, 600, 1000],
    [513, 512, 1100],
  ])('matches direct convolution for %i x %i samples, %i out', (na, nb, length) => {
    const rng = new SeededRandom(na * 1000 + nb);
    const a = Float32Array.from({ length: na }, () => rng.normal());
    const b = Float32Array.from({ length: nb }, () => rng.normal());
    const got = fftConvolve(a, b, length);
    const want = direct(a, b, length);
    expect(got.length).toBe(length);
    for (let i = 0; i < length; i++) expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(1e-4);
  });

  it('gives zeros for an empty input and rejects a bad length', () => {
    expect(Array.from(fftConvolve(new Float32Array(0), Float32Array.of(1), 3))).toEqual([0, 0, 0]);
    expect(() => fftConvolve(Float32Array.of(1), Float32Array.of(1), -1)).toThrow('fftConvolve() length must be a non-negative integer; got -1');
  });
});
