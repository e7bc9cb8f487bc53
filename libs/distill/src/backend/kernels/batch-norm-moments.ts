// WhittleBatchNormMoments: per-channel batch mean and variance of an activation in two streaming passes (wasm).

import * as tf from '@tensorflow/tfjs';
import { batchNormGradSumsSimd } from './batch-norm-simd.ts';
import { axisBlockOf, reduceAxisBlock } from './reduce-axis-block.ts';
import { heapMemory, WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

/** Kernel name; see gradients/batch-norm-training.ts for the tfjs-op equivalent on other backends. */
export const BATCH_NORM_MOMENTS = 'WhittleBatchNormMoments';

/**
 * Input x ([..., C], float32, at least two rows); output [2, C]: row 0 the mean over every axis but
 * the last, row 1 the population variance, mean((x - mean)^2), the same two-pass formula as
 * tf.moments. tf.moments runs Mean, Sub, Square and Mean (six passes over x, two full-size
 * temporaries); here the mean is one average pool and, with wasm SIMD, the squared deviations are
 * summed in one more read of x. `allowSimd` is for tests.
 */
export function batchNormMoments(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike }, allowSimd = true): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const channels = x.shape[x.shape.length - 1] as number;
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const scope = new WasmKernelScope(args.backend);
  const xRows = scope.reshape(x, [rows, channels]);
  const block = axisBlockOf([rows, channels], [0]);
  if (block === undefined) throw new Error(`${BATCH_NORM_MOMENTS} (wasm, whittle): x must have at least two rows; got shape [${x.shape.join(', ')}]`);
  const mean = scope.adopt(reduceAxisBlock(args.backend, xRows, block, 'mean', true)); // [1, C]
  const memory = heapMemory(args.backend);
  const run = allowSimd && memory !== undefined ? batchNormGradSumsSimd(memory, rows, channels, true) : undefined;
  if (run === undefined) {
    const centered = scope.run('Sub', { a: xRows, b: mean });
    const variance = scope.run('Mean', { x: scope.run('Multiply', { a: centered, b: centered }) }, { axis: [0], keepDims: true });
    return scope.free(scope.run('Concat', [mean, variance], { axis: 0 }));
  }
  const sums = scope.adopt(args.backend.makeOutput([2, channels], 'float32'));
  const scratch = scope.adopt(args.backend.makeOutput([2, channels], 'float32'));
  const out = args.backend.makeOutput([2, channels], 'float32');
  // Views after the allocations (each may grow the heap).
  args.backend.typedArrayFromHeap(sums).fill(0);
  const address = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t).byteOffset;
  run(address(xRows), address(xRows), address(mean), address(sums), address(scratch));
  const [meanValues, sumValues, outValues] = [mean, sums, out].map((t) => args.backend.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array];
  outValues.set(meanValues);
  for (let c = 0; c < channels; c++) outValues[channels + c] = (sumValues[channels + c] as number) / rows;
  return scope.free(out);
}

export const BATCH_NORM_MOMENTS_WASM: tf.KernelConfig = {
  kernelName: BATCH_NORM_MOMENTS,
  backendName: 'wasm',
  kernelFunc: ((args: Parameters<typeof batchNormMoments>[0]) => batchNormMoments(args)) as unknown as tf.KernelFunc,
};
