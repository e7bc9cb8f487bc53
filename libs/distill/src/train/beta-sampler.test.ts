// Gamma and Beta draws have the textbook mean and variance, stay finite for tiny shapes, and reproduce per seed.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@whittle/datasets';
import { sampleBeta, sampleGamma } from './beta-sampler.ts';

const DRAWS = 100_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < DRAWS; i++) {
    const v = draw();
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / DRAWS;
  return { mean, variance: sumSq / DRAWS - mean * mean };
}

describe('sampleGamma', () => {
  // Gamma(k, 1): mean k, variance k. Shapes below 1 take the boosted path, the others Marsaglia-Tsang directly.
  it.each([0.2, 0.7, 1, 3.5])('Gamma(%f) has mean and variance equal to its shape', (shape) => {
    const rng = new SeededRandom(11);
    const { mean, variance } = moments(() => sampleGamma(rng, shape));
    // Standard error of the mean is sqrt(k / n) ≈ 0.006 at k = 3.5: 5 of them, and 5% on the variance.
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / DRAWS));
    expect(Math.abs(variance / shape - 1)).toBeLessThan(0.05);
  });

  it('refuses shapes that are not finite and > 0', () => {
    expect(() => sampleGamma(new SeededRandom(1), 0)).toThrow('sampleLogGamma() needs a finite shape > 0; got 0');
    expect(() => sampleGamma(new SeededRandom(1), Number.NaN)).toThrow(RangeError);
  });
});

describe('sampleBeta', () => {
  const betaVariance = (a: number, b: number) => (a * b) / ((a + b) ** 2 * (a + b + 1));

  it.each([
    [0.2, 0.2],
    [1, 1],
    [2, 5],
  ])('Beta(%f, %f) has mean a/(a+b) and variance ab/((a+b)²(a+b+1))', (a, b) => {
    const rng = new SeededRandom(5);
    const { mean, variance } = moments(() => sampleBeta(rng, a, b));
    const expectedVariance = betaVariance(a, b);
    expect(Math.abs(mean - a / (a + b))).toBeLessThan(5 * Math.sqrt(expectedVariance / DRAWS));
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.03);
  });

  it('puts Beta(0.2, 0.2) mostly near 0 and 1, as mixup expects', () => {
    const rng = new SeededRandom(3);
    const draws = Array.from({ length: 20_000 }, () => sampleBeta(rng, 0.2, 0.2));
    // By numerical integration of the density: P(λ < 0.1) = P(λ > 0.9) = 0.3367, P(0.4 < λ < 0.6) = 0.0645.
    // Standard errors at 20,000 draws are 0.0033 and 0.0017: the bounds are about 4.5 of them.
    const low = draws.filter((v) => v < 0.1).length / draws.length;
    const high = draws.filter((v) => v > 0.9).length / draws.length;
    const middle = draws.filter((v) => v > 0.4 && v < 0.6).length / draws.length;
    expect(Math.abs(low - 0.3367)).toBeLessThan(0.015);
    expect(Math.abs(high - 0.3367)).toBeLessThan(0.015);
    expect(Math.abs(middle - 0.0645)).toBeLessThan(0.008);
  });

  it('stays a finite number in [0, 1] for shapes small enough to underflow U^(1/a)', () => {
    const rng = new SeededRandom(9);
    for (let i = 0; i < 10_000; i++) {
      const v = sampleBeta(rng, 0.005, 0.005);
      expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('reproduces per seed', () => {
    const draw = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 50 }, () => sampleBeta(rng, 0.4, 0.4));
    };
    expect(draw(21)).toEqual(draw(21));
    expect(draw(21)).not.toEqual(draw(22));
  });
});
