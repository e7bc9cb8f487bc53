// An exponential moving average of a model's weights, kept beside training and swapped in to validate and to keep.

import * as tf from '@tensorflow/tfjs';

/**
 * Shadow copies of every weight of a model (batch-norm statistics included), updated after each optimizer step as
 * `shadow = d·shadow + (1 − d)·weight` with `d = min(decay, (1 + step) / (10 + step))`: the warm-up keeps the first
 * steps' random weights from dominating the average (as timm's ModelEmaV2 and TF's ExponentialMovingAverage do).
 * The average sits in a flatter region of the loss than any single step's weights, which is what generalises.
 */
export class WeightAverage {
  private readonly shadow: tf.Variable[];

  private constructor(
    private readonly model: tf.LayersModel,
    readonly decay: number,
    initial: readonly tf.Tensor[],
  ) {
    this.shadow = initial.map((w) => tf.variable(w, false));
  }

  /** Start the average at the model's current weights. */
  static of(model: tf.LayersModel, decay: number): WeightAverage {
    const current = model.getWeights();
    return new WeightAverage(model, decay, current);
  }

  /** Continue an average saved with `weights()` (a resumed run); the tensors stay the caller's. */
  static restore(model: tf.LayersModel, decay: number, weights: readonly tf.Tensor[]): WeightAverage {
    return new WeightAverage(model, decay, weights);
  }

  /** The decay used after `step` optimizer steps (0-based): the warm-up value until it reaches `decay`. */
  static decayAt(decay: number, step: number): number {
    return Math.min(decay, (1 + step) / (10 + step));
  }

  /** Fold the model's weights after optimizer step `step` (0-based) into the average. */
  update(step: number): void {
    const d = WeightAverage.decayAt(this.decay, step);
    const weights = this.model.getWeights();
    tf.tidy(() => {
      this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(weights[i] as tf.Tensor, 1 - d))));
    });
  }

  /** The averaged weights, in model.getWeights() order (the average's own tensors: clone to keep them). */
  weights(): readonly tf.Tensor[] {
    return this.shadow;
  }

  /** Run `f` with the averaged weights in the model, then put the training weights back. */
  withAveraged<T>(f: () => T): T {
    const training = this.model.getWeights().map((w) => w.clone());
    this.model.setWeights(this.shadow);
    try {
      return f();
    } finally {
      this.model.setWeights(training);
      tf.dispose(training);
    }
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
