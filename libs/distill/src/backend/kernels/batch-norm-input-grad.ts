// WhittleBatchNormInputGrad: dx = dy * a + (x - mean) * b + c with per-channel a, b, mean, c, in one pass (wasm).

import * as tf from '@tensorflow/tfjs';
import { batchNormInputGradSimd } from './batch-norm-simd.ts';
import { heapMemory, WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

/** Kernel name; see gradients/batch-norm-training.ts for the tfjs-op equivalent on other backends. */
export const BATCH_NORM_INPUT_GRAD = 'WhittleBatchNormInputGrad';

/**
 * Inputs dy and x ([..., C], float32, same shape) and coefficients ([4, C]: a, b, mean, c); output dx of
 * x's shape. With batch statistics the batch-norm input gradient is this per-channel affine map of
 * dy and x; tfjs-core's gradient chain spends about ten full-size passes on it. With wasm SIMD one
 * compiled pass; otherwise five broadcasting backend kernels. `allowSimd` is for tests.
 */
export function batchNormInputGrad(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike }, allowSimd = true): tf.TensorInfo {
  const { dy, x, coefficients } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; coefficients: tf.TensorInfo };
  const channels = x.shape[x.shape.length - 1] as number;
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const memory = heapMemory(args.backend);
  const run = allowSimd && memory !== undefined ? batchNormInputGradSimd(memory, rows, channels) : undefined;
  if (run !== undefined) {
    const dx = args.backend.makeOutput([...x.shape], 'float32');
    // Addresses after the allocation: it may have grown (replaced) the heap buffer.
    const address = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t).byteOffset;
    run(address(dy), address(x), address(coefficients), address(dx));
    return dx;
  }
  const scope = new WasmKernelScope(args.backend);
  const coefficient = (k: number) => scope.reshape(scope.rows(coefficients, k, 1), [channels]);
  const centered = scope.run('Sub', { a: x, b: coefficient(2) });
  const affine = scope.run('Add', { a: scope.run('Multiply', { a: dy, b: coefficient(0) }), b: scope.run('Multiply', { a: centered, b: coefficient(1) }) });
  return scope.free(scope.run('Add', { a: affine, b: coefficient(3) }));
}

export const BATCH_NORM_INPUT_GRAD_WASM: tf.KernelConfig = {
  kernelName: BATCH_NORM_INPUT_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: Parameters<typeof batchNormInputGrad>[0]) => batchNormInputGrad(args)) as unknown as tf.KernelFunc,
};
