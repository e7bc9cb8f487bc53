// Registers the gradient kernels the tfjs wasm backend lacks, and our fused batch-norm, Relu and Square kernels (idempotent).

import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_GRAD_SUMS_WASM } from './batch-norm-grad-sums.ts';
import { BATCH_NORM_INPUT_GRAD_WASM } from './batch-norm-input-grad.ts';
import { BATCH_NORM_MOMENTS_WASM } from './batch-norm-moments.ts';
import { CONV2D_BACKPROP_FILTER_WASM } from './conv2d-backprop-filter.ts';
import { DEPTHWISE_CONV2D_BACKPROP_FILTER_WASM } from './depthwise-conv2d-backprop-filter.ts';
import { DEPTHWISE_CONV2D_BACKPROP_INPUT_WASM } from './depthwise-conv2d-backprop-input.ts';
import { RELU_GRAD_WASM, SQUARE_GRAD_WASM } from './elementwise-grad.ts';

export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = [
  CONV2D_BACKPROP_FILTER_WASM,
  DEPTHWISE_CONV2D_BACKPROP_INPUT_WASM,
  DEPTHWISE_CONV2D_BACKPROP_FILTER_WASM,
  BATCH_NORM_GRAD_SUMS_WASM,
  RELU_GRAD_WASM,
  SQUARE_GRAD_WASM,
  BATCH_NORM_MOMENTS_WASM,
  BATCH_NORM_INPUT_GRAD_WASM,
];

/** Register each kernel the wasm backend does not already have; returns the names registered now. */
export function registerWasmGradientKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
