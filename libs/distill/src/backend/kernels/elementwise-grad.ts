// WhittleReluGrad and WhittleSquareGrad: the Relu and Square input gradients as one wasm kernel each.

import * as tf from '@tensorflow/tfjs';
import { elementwiseGradSimd, ELEMENTS_PER_ITERATION, type ElementwiseGrad } from './elementwise-grad-simd.ts';
import { heapMemory, WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

/** Kernel names; backends without them get the same values from tfjs-core's gradients (gradients/elementwise-grads.ts). */
export const RELU_GRAD = 'WhittleReluGrad';
export const SQUARE_GRAD = 'WhittleSquareGrad';

/**
 * Inputs x and dy (float32, same shape), output dx. With wasm SIMD and a size that fills its 16-float
 * iterations, one compiled pass (elementwise-grad-simd.ts: ~0.6x the two builtin kernels' time on a
 * DS-CNN activation); otherwise tfjs-core's two kernels. `allowSimd` is for tests.
 */
export function elementwiseGrad(kind: ElementwiseGrad, args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike }, allowSimd = true): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const size = tf.util.sizeFromShape(x.shape);
  const memory = heapMemory(args.backend);
  const run = allowSimd && memory !== undefined && size > 0 && size % ELEMENTS_PER_ITERATION === 0 ? elementwiseGradSimd(memory, kind) : undefined;
  if (run !== undefined) {
    const dx = args.backend.makeOutput([...x.shape], 'float32');
    // Addresses after the allocation: it may have grown (replaced) the heap buffer.
    const address = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t).byteOffset;
    run(address(x), address(dy), address(dx), size * 4);
    return dx;
  }
  const scope = new WasmKernelScope(args.backend);
  const factor = kind === 'relu' ? scope.run('Step', { x }, { alpha: 0 }) : scope.run('Multiply', { a: x, b: scope.fill([], 2) });
  return scope.free(scope.run('Multiply', { a: dy, b: factor }));
}

const config = (kernelName: string, kind: ElementwiseGrad): tf.KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: ((args: Parameters<typeof elementwiseGrad>[1]) => elementwiseGrad(kind, args)) as unknown as tf.KernelFunc,
});

export const RELU_GRAD_WASM = config(RELU_GRAD, 'relu');
export const SQUARE_GRAD_WASM = config(SQUARE_GRAD, 'square');
