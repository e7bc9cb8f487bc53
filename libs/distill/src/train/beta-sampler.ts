// Gamma and Beta draws from a SeededRandom: mixup's mixing weight λ ~ Beta(α, α).

import type { SeededRandom } from '@whittle/datasets';

/**
 * log of a Gamma(shape, 1) draw, by Marsaglia & Tsang (2000) for shape ≥ 1 and the boost
 * Gamma(a) = Gamma(a + 1)·U^(1/a) below 1. Kept in log space because mixup's small shapes (α = 0.2 and less) make
 * U^(1/a) underflow a float64 often enough to turn Beta's X / (X + Y) into 0 / 0.
 */
export function sampleLogGamma(rng: SeededRandom, shape: number): number {
  if (!(shape > 0 && Number.isFinite(shape))) throw new RangeError(`sampleLogGamma() needs a finite shape > 0; got ${shape}`);
  if (shape < 1) {
    // 1 − next() is in (0, 1], so the log is finite.
    return sampleLogGamma(rng, shape + 1) + Math.log(1 - rng.next()) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    // The squeeze accepts most draws without a log; the second test is the exact acceptance condition.
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d) + Math.log(v);
  }
}

/** A Gamma(shape, 1) draw (mean shape, variance shape). */
export function sampleGamma(rng: SeededRandom, shape: number): number {
  return Math.exp(sampleLogGamma(rng, shape));
}

/**
 * A Beta(a, b) draw in [0, 1], as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (mean a / (a + b)).
 * @example const lambda = sampleBeta(rng, 0.2, 0.2); // mostly near 0 or 1
 */
export function sampleBeta(rng: SeededRandom, a: number, b: number): number {
  const logX = sampleLogGamma(rng, a);
  const logY = sampleLogGamma(rng, b);
  // X / (X + Y) = 1 / (1 + Y/X), with the ratio taken in log space.
  return 1 / (1 + Math.exp(logY - logX));
}
