// FusedBatchNorm gradient with tfjs-core's math, using broadcasting and one shared pair of channel reductions.

import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_GRAD_SUMS } from '../kernels/batch-norm-grad-sums.ts';

/**
 * tfjs-core's gradient tiles rsqrt(variance) to the full [N, H, W, C] shape (Tile: ~170 ms per
 * activation on wasm) and sums five full-size products over the batch axes. Per channel the same
 * quantities factor through two reductions, sum(dy) and sum(dy * (x - mean)):
 *   dx = dy * scale * r                      (r = rsqrt(variance + epsilon))
 *   dmean = -r * scale * sum(dy)
 *   dvariance = -0.5 * r^3 * scale * sum(dy * (x - mean))
 *   dscale = r * sum(dy * (x - mean))
 *   doffset = sum(dy)
 * which is what this computes for per-channel statistics ([C] for x [..., C]); others go to `original`.
 * Where the active backend has the fused BATCH_NORM_GRAD_SUMS kernel (wasm), both sums take one pass.
 * The results equal the original's up to float rounding (the products are associated differently).
 */
export function fusedBatchNormGradConfig(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const channels = x.shape[x.rank - 1];
      const perChannel = (t: tf.Tensor | undefined) => t == null || (t.rank === 1 && t.shape[0] === channels);
      if (x.rank < 2 || ![mean, variance, scale].every(perChannel)) return original.gradFunc(dy, saved, attrs);
      const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
      const dyT = dy as tf.Tensor;
      const rsqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
      const scaled = (t: tf.Tensor) => (scale == null ? t : tf.mul(t, scale));
      // Shared by the mean/offset and the variance/scale gradients. Computed here, not in the closures:
      // the tape runs each closure in its own tidy, so a tensor memoised by one would be gone for the next.
      const [dySum, dyCenteredSum] = channelSums(dyT, x, mean);
      return {
        x: () => tf.mul(dyT, scaled(rsqrtVariance)),
        mean: () => tf.mul(tf.neg(scaled(rsqrtVariance)), dySum),
        variance: () => {
          const minusHalfRCube = tf.mul(tf.mul(tf.mul(rsqrtVariance, rsqrtVariance), rsqrtVariance), tf.scalar(-0.5));
          return tf.mul(scaled(minusHalfRCube), dyCenteredSum);
        },
        scale: () => tf.mul(rsqrtVariance, dyCenteredSum),
        offset: () => tf.reshape(dySum, mean.shape),
      };
    },
  };
}

/** [sum of dy, sum of dy * (x - mean)] over every axis but the last. */
function channelSums(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (tf.getKernel(BATCH_NORM_GRAD_SUMS, tf.getBackend()) !== undefined) {
    const sums = tf.engine().runKernel(BATCH_NORM_GRAD_SUMS, { dy, x, mean }) as tf.Tensor;
    return tf.unstack(sums) as [tf.Tensor, tf.Tensor];
  }
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  return [tf.sum(dy, axes), tf.sum(tf.mul(dy, tf.sub(x, mean)), axes)];
}

const REPLACED = Symbol.for('whittle.fusedBatchNormGrad');

/**
 * Replace the registered FusedBatchNorm gradient with the broadcasting one; returns false if it already
 * was. The gradient is backend-agnostic (same values everywhere), but only matters where Tile and
 * leading-axis Sum are slow, so the wasm candidate installs it.
 */
export function registerFusedBatchNormGradient(): boolean {
  const current = tf.getGradient('FusedBatchNorm') as (tf.GradConfig & { [REPLACED]?: true }) | undefined;
  if (current === undefined) throw new Error("tfjs-core has no 'FusedBatchNorm' gradient to replace");
  if (current[REPLACED]) return false;
  tf.registerGradient({ ...fusedBatchNormGradConfig(current), [REPLACED]: true } as tf.GradConfig);
  return true;
}
