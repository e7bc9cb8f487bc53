// Training-mode batch normalization (batch moments, normalize, and its gradient) as one op with a fused gradient.

import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_GRAD_SUMS } from '../kernels/batch-norm-grad-sums.ts';
import { BATCH_NORM_INPUT_GRAD } from '../kernels/batch-norm-input-grad.ts';
import { BATCH_NORM_MOMENTS } from '../kernels/batch-norm-moments.ts';

/** The normalized activation and the batch statistics it used (for the layer's moving averages). */
export interface BatchNormTrainingResult {
  readonly y: tf.Tensor;
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

const has = (kernelName: string) => tf.getKernel(kernelName, tf.getBackend()) !== undefined;

/**
 * y = (x - mean) * gamma / sqrt(variance + epsilon) + beta with the batch's per-channel mean and
 * (population) variance over every axis but the last: what tf.layers.batchNormalization computes in
 * training (tf.moments, then tf.batchNorm), with the same values and gradients up to float rounding.
 *
 * Why: through tf.moments the tape holds Mean, Sub, Square, Mean and FusedBatchNorm, and their
 * gradients cost about 16 full-size passes over the activation per layer (Tile, Square's and Sub's
 * gradients, and the Adds that accumulate three gradients into x): ~40% of a DS-CNN training step
 * on wasm. Here the gradient is closed-form,
 *   dx = gamma * r * (dy - sum(dy) / n - (x - mean) * r^2 * sum(dy * (x - mean)) / n),  r = rsqrt(variance + epsilon)
 *   dgamma = r * sum(dy * (x - mean)),  dbeta = sum(dy)
 * one reduction pass and one elementwise pass where the backend has the fused kernels (wasm); other
 * backends get the same formulas from tfjs ops.
 *
 * @example
 * // in a BatchNormalization layer's training branch, instead of tf.moments + tf.batchNorm:
 * const { y, mean, variance } = batchNormTraining(x, gamma.read(), beta.read(), 1e-3);
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainingResult {
  const channels = x.shape[x.rank - 1] as number;
  if (x.rank < 2 || x.dtype !== 'float32' || gamma.shape[0] !== channels || beta.shape[0] !== channels) {
    throw new Error(`batchNormTraining: x must be float32 [..., C] with gamma and beta of shape [C]; got x [${x.shape.join(', ')}] (${x.dtype}), gamma [${gamma.shape.join(', ')}], beta [${beta.shape.join(', ')}]`);
  }
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [mean, variance] = batchMoments(xs);
    // keep(): the forward runs in its own tidy, and the caller needs the statistics for its moving averages.
    stats = [tf.keep(mean), tf.keep(variance)];
    save([xs, mean, variance, g]);
    return {
      value: tf.batchNorm(xs, mean, variance, b, g, epsilon),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => inputGradients(dy as tf.Tensor, saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D], epsilon),
    };
  });
  const y = op(x, gamma, beta);
  const [mean, variance] = stats as [tf.Tensor1D, tf.Tensor1D];
  // Clones belong to the caller's scope (a tidy can free them); the kept originals are released here.
  const result = { y, mean: tf.clone(mean), variance: tf.clone(variance) };
  tf.dispose([mean, variance]);
  return result;
}

/** Per-channel mean and population variance over every axis but the last. */
function batchMoments(x: tf.Tensor): [tf.Tensor1D, tf.Tensor1D] {
  const rows = x.size / (x.shape[x.rank - 1] as number);
  if (rows >= 2 && has(BATCH_NORM_MOMENTS)) return tf.unstack(tf.engine().runKernel(BATCH_NORM_MOMENTS, { x }) as tf.Tensor) as [tf.Tensor1D, tf.Tensor1D];
  const { mean, variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
  return [mean as tf.Tensor1D, variance as tf.Tensor1D];
}

/** [dx, dgamma, dbeta] for batch statistics (see batchNormTraining). */
function inputGradients(dy: tf.Tensor, saved: [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D], epsilon: number): tf.Tensor[] {
  const [x, mean, variance, gamma] = saved;
  const n = x.size / (x.shape[x.rank - 1] as number);
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const [sumDy, sumDyCentered] = has(BATCH_NORM_GRAD_SUMS)
    ? (tf.unstack(tf.engine().runKernel(BATCH_NORM_GRAD_SUMS, { dy, x, mean }) as tf.Tensor) as [tf.Tensor1D, tf.Tensor1D])
    : [tf.sum(dy, axes), tf.sum(tf.mul(dy, tf.sub(x, mean)), axes)];
  const r = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
  const a = tf.mul(gamma, r);
  const b = tf.div(tf.neg(tf.mul(tf.mul(a, tf.square(r)), sumDyCentered)), n);
  const c = tf.div(tf.neg(tf.mul(a, sumDy)), n);
  const dx = has(BATCH_NORM_INPUT_GRAD)
    ? (tf.engine().runKernel(BATCH_NORM_INPUT_GRAD, { dy, x, coefficients: tf.stack([a, b, mean, c]) }) as tf.Tensor)
    : tf.add(tf.add(tf.mul(dy, a), tf.mul(tf.sub(x, mean), b)), c);
  return [dx, tf.mul(r, sumDyCentered), sumDy];
}
