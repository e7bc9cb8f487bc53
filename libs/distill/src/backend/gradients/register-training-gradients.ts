// Replaces tfjs-core gradients whose full-size temporaries make batch-norm training slow on wasm (idempotent).

import { registerElementwiseGradients } from './elementwise-grads.ts';
import { registerFusedBatchNormGradient } from './fused-batch-norm-grad.ts';
import { registerMeanGradient } from './mean-grad.ts';

/**
 * Install the broadcasting FusedBatchNorm and Mean gradients and the fused Relu and Square ones;
 * returns the kernel names replaced now.
 * Gradients are global in tfjs (not per backend). These give the same values as tfjs-core's on every
 * backend, so registering them for one backend cannot change results on another.
 */
export function registerTrainingGradients(): string[] {
  const replaced: string[] = [];
  if (registerFusedBatchNormGradient()) replaced.push('FusedBatchNorm');
  if (registerMeanGradient()) replaced.push('Mean');
  replaced.push(...registerElementwiseGradients());
  return replaced;
}
