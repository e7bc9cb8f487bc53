// Test helper: a seeded integer linear classifier and a feature set whose labels give exactly 7/10 right.

import { SeededRandom, type FeatureSet } from '@whittle/datasets';
import { linearLogits, type LinearClassifier } from './tiny-onnx-model.ts';

export const FIXTURE_CLASSES = ['yes', 'no', 'up', 'down'];

export interface LinearFixture {
  readonly model: LinearClassifier;
  readonly set: FeatureSet;
  /** The logits onnxruntime must produce: small integers, so float32 sums are exact in any order. */
  readonly logits: Float32Array;
  /** Top-1 per row computed here with a plain loop (first maximum wins). */
  readonly predicted: number[];
}

/**
 * 10 rows of 2 x 3 integer features. 'down' has bias -1000, so it is never predicted and has no clips
 * (recall null). Rows 0-6 are labelled with their prediction, rows 7-9 with the next class: accuracy 0.7.
 */
export function linearFixture(seed = 7): LinearFixture {
  const rng = new SeededRandom(seed);
  const frames = 2;
  const bins = 3;
  const numClasses = FIXTURE_CLASSES.length;
  const count = 10;
  const model: LinearClassifier = {
    frames,
    bins,
    numClasses,
    weights: Float32Array.from({ length: frames * bins * numClasses }, () => rng.int(-3, 3)),
    bias: Float32Array.from([1, 0, -1, -1000]),
  };
  const features = Float32Array.from({ length: count * frames * bins }, () => rng.int(-2, 2));
  const logits = linearLogits(model, features, count);
  const predicted = Array.from({ length: count }, (_, r) => {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if ((logits[r * numClasses + c] as number) > (logits[r * numClasses + best] as number)) best = c;
    return best;
  });
  const labels = Int32Array.from(predicted, (p, r) => (r < 7 ? p : (p + 1) % 3));
  const ids = Array.from({ length: count }, (_, r) => `clip${r}`);
  return { model, logits, predicted, set: { features, frames, bins, count, labels, ids } };
}
