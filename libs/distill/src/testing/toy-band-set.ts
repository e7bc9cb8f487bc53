// Test fixture: a seeded, trivially separable feature set (class c lights up one band of bins).

import { SeededRandom, type FeatureSet } from '@whittle/datasets';

export interface ToyBandSetShape {
  readonly frames: number;
  readonly bins: number;
  /** Bins per class band: class c is bright on bins [c*bandWidth, (c+1)*bandWidth). */
  readonly bandWidth: number;
  /** Standard deviation of the Gaussian noise on every value. */
  readonly noise: number;
}

/** `count` rows cycling through 3 classes; a working training loop must learn them. */
export function toyBandSet(count: number, seed: number, shape: ToyBandSetShape): FeatureSet {
  const { frames, bins, bandWidth, noise } = shape;
  const rng = new SeededRandom(seed);
  const features = new Float32Array(count * frames * bins);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let t = 0; t < frames; t++) for (let b = 0; b < bins; b++) features[(i * frames + t) * bins + b] = noise * rng.normal() + (Math.floor(b / bandWidth) === c ? 1 : 0);
  }
  return { features, frames, bins, count, labels, ids: Array.from({ length: count }, (_, i) => `toy${i}`) };
}
