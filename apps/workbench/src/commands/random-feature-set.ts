// Seeded random spectrograms and labels: what the benchmarks train on, so their numbers never depend on data on disk.

import { KWS_LABELS, SeededRandom, type FeatureSet } from '@whittle/datasets';

/** `count` rows of standard-normal [frames, bins] features with uniform keyword-spotter labels. */
export function randomFeatureSet(count: number, frames: number, bins: number, seed: number): FeatureSet {
  const rng = new SeededRandom(seed);
  const features = Float32Array.from({ length: count * frames * bins }, () => rng.normal());
  const labels = Int32Array.from({ length: count }, () => rng.int(0, KWS_LABELS.length - 1));
  return { features, frames, bins, count, labels, ids: Array.from({ length: count }, (_, i) => `r${i}`) };
}
