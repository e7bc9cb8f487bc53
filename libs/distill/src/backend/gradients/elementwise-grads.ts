// Relu and Square gradients with tfjs-core's values, computed by one fused backend kernel where the backend has it.

import * as tf from '@tensorflow/tfjs';
import { RELU_GRAD, SQUARE_GRAD } from '../kernels/elementwise-grad.ts';

/**
 * tfjs-core computes Relu's dx as dy * step(x) and Square's as dy * (x * 2): two kernels and a full-size
 * temporary each, on every ReLU layer and in tf.moments of every batch-norm layer. Where the active
 * backend registers the fused kernel (wasm, kernels/elementwise-grad.ts) dx is one pass; elsewhere,
 * or for non-float32 tensors, `original` runs. Same values either way (see the kernel's tests).
 */
function fusedElementwiseGrad(original: tf.GradConfig, kernelName: string): tf.GradConfig {
  return {
    kernelName: original.kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const dyT = dy as tf.Tensor;
      if (x.dtype !== 'float32' || dyT.dtype !== 'float32' || tf.getKernel(kernelName, tf.getBackend()) === undefined) return original.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(kernelName, { x, dy: dyT }) as tf.Tensor };
    },
  };
}

const REPLACED = Symbol.for('whittle.elementwiseGrad');

/** Replace the registered Relu and Square gradients; returns the kernel names replaced now (none if they already were). */
export function registerElementwiseGradients(): string[] {
  const replaced: string[] = [];
  for (const [kernelName, fused] of [['Relu', RELU_GRAD], ['Square', SQUARE_GRAD]] as const) {
    const current = tf.getGradient(kernelName) as (tf.GradConfig & { [REPLACED]?: true }) | undefined;
    if (current === undefined) throw new Error(`tfjs-core has no '${kernelName}' gradient to replace`);
    if (current[REPLACED]) continue;
    tf.registerGradient({ ...fusedElementwiseGrad(current, fused), [REPLACED]: true } as tf.GradConfig);
    replaced.push(kernelName);
  }
  return replaced;
}
