// Sum or mean over one contiguous block of non-trailing axes, as an XNNPACK average pool on the wasm backend.

import * as tf from '@tensorflow/tfjs';
import { WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

/** x viewed as [outer, reduced, inner], the reduced axes being the middle factor. */
export interface AxisBlock {
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
  /** The reduced axes, normalised (non-negative, sorted). */
  readonly axes: readonly number[];
}

/**
 * The [outer, reduced, inner] view of `shape` when `axis` names one contiguous run of axes that ends
 * before the last one (e.g. [0, 1, 2] of NHWC: batch-norm moments; [1, 2]: global pooling). Those are
 * exactly the reductions the wasm backend transposes the whole tensor for first. Undefined otherwise.
 */
export function axisBlockOf(shape: readonly number[], axis: number | number[] | undefined): AxisBlock | undefined {
  if (axis === undefined || shape.length < 2) return undefined;
  const axes = tf.util.parseAxisParam(axis, [...shape]).sort((a, b) => a - b);
  if (axes.length === 0 || new Set(axes).size !== axes.length) return undefined;
  const first = axes[0] as number;
  const last = axes[axes.length - 1] as number;
  if (last - first + 1 !== axes.length || last >= shape.length - 1) return undefined;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
  const block = { outer: size(0, first), reduced: size(first, last + 1), inner: size(last + 1, shape.length), axes };
  if (block.reduced < 2 || block.outer * block.reduced * block.inner === 0) return undefined;
  return block;
}

/**
 * mean[b, s] = (1/R) * sum over r of x[b, r, s]: x viewed as an NHWC image [B, R, 1, S] pooled by one
 * [R, 1] window, which XNNPACK's average pooling streams once (~1.5 ms for a [64, 49, 20, 64]
 * activation, where the builtin Sum/Mean first transpose it: ~12-30 ms). A GEMM with a ones row would
 * stream it once too, but XNNPACK repacks its right-hand operand on every call, which costs more.
 * The sum is that mean times R (a few ulp from a direct sum, like any change of summation order).
 */
export function reduceAxisBlock(backend: WasmBackendLike, x: tf.TensorInfo, block: AxisBlock, op: 'sum' | 'mean', keepDims: boolean): tf.TensorInfo {
  const scope = new WasmKernelScope(backend);
  const image = scope.reshape(x, [block.outer, block.reduced, 1, block.inner]);
  let reduced = scope.run('AvgPool', { x: image }, { filterSize: [block.reduced, 1], strides: [1, 1], pad: 'valid' });
  if (op === 'sum') reduced = scope.run('Multiply', { a: reduced, b: scope.fill([], block.reduced) });
  const outShape = x.shape.filter((_, i) => !block.axes.includes(i));
  const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, [...block.axes]) : outShape;
  return scope.free(scope.reshape(reduced, shape));
}
