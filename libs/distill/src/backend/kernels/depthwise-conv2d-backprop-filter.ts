// DepthwiseConv2dNativeBackpropFilter for the wasm backend: a compiled SIMD loop, or per tap one product and one pooled reduction.

import * as tf from '@tensorflow/tfjs';
import type { DepthwiseGradAttrs } from './conv-attrs.ts';
import { depthwiseFilterGradSimd } from './depthwise-filter-grad-simd.ts';
import { heapMemory, WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

type Attrs = DepthwiseGradAttrs<'filterShape'>;

/**
 * dW[i, j, c, m] = sum over (n, y, x) of xPadded[n, y*sh + i, x*sw + j, c] * dy[n, y, x, c*M + m].
 * With wasm SIMD, channel multiplier 1 and channels in multiples of 4 (DS-CNN), one compiled loop reads
 * x and dy once per channel block (depthwise-filter-grad-simd.ts: ~10 ms for a [64, 49, 20, 64]
 * activation). Otherwise `byTaps` composes backend kernels (~50 ms there). `allowSimd` is for tests.
 */
export function depthwiseConv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike; attrs: Attrs }, allowSimd = true): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs;
  const dil = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (dil[0] !== 1 || dil[1] !== 1) throw new Error(`DepthwiseConv2dNativeBackpropFilter (wasm, whittle): dilations must be 1; got ${String(dilations)}`);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, true);
  const scope = new WasmKernelScope(args.backend);
  const { top, bottom, left, right } = info.padInfo;
  const xPadded = scope.padOrCrop(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const memory = heapMemory(args.backend);
  if (allowSimd && memory !== undefined && filterShape[3] === 1 && x.dtype === 'float32' && dy.dtype === 'float32') {
    const [batch, paddedHeight, paddedWidth, channels] = xPadded.shape as [number, number, number, number];
    const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const run = depthwiseFilterGradSimd(memory, { batch, outHeight, outWidth, paddedHeight, paddedWidth, channels, strideHeight, strideWidth, filterHeight, filterWidth });
    if (run !== undefined) {
      const grad = args.backend.makeOutput([...filterShape], 'float32');
      // Views after the allocation; the loop adds each image's sums into a zeroed gradient.
      const out = args.backend.typedArrayFromHeap(grad).fill(0);
      run(args.backend.typedArrayFromHeap(xPadded).byteOffset, args.backend.typedArrayFromHeap(dy).byteOffset, out.byteOffset);
      return scope.free(grad);
    }
  }
  return byTaps(scope, xPadded, dy, info, filterShape[3]);
}

/**
 * Spread dy onto the padded input's grid (zeros between strided positions and in the padding) and
 * flatten both to [N*Hp*Wp, channels]: tap (i, j) then pairs grid row q of dy with row q + i*Wp + j
 * of x, so its sum is one same-shape product of two contiguous row ranges, reduced over rows by
 * XNNPACK's average pooling (then scaled by the row count). Rows that wrap past a row or image edge
 * meet zeros of dy, because every tap of a real output position stays inside the padded grid.
 * ~5x faster than one depthwise convolution with dy as a huge kernel (XNNPACK's slow generic path);
 * a stride s does s*s times the useful work on the spread grid.
 */
function byTaps(scope: WasmKernelScope, xPadded: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, m: number): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const [n, hp, wp, c] = xPadded.shape as [number, number, number, number];
  const spread = scope.insertZeros(dy, sh, sw);
  const dyGrid = scope.padOrCrop(spread, [[0, 0], [0, hp - (spread.shape[1] as number)], [0, wp - (spread.shape[2] as number)], [0, 0]]);

  const gridRows = n * hp * wp;
  const rows = gridRows - ((fh - 1) * wp + (fw - 1));
  const xRows = scope.reshape(xPadded, [gridRows, c]);
  const dyRows = scope.rows(scope.reshape(dyGrid, [gridRows, c * m]), 0, rows);
  const dyByChannel = m > 1 ? scope.reshape(dyRows, [rows, c, m]) : dyRows;
  const taps: tf.TensorInfo[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const window = scope.rows(xRows, i * wp + j, rows);
      const windowByChannel = m > 1 ? scope.reshape(window, [rows, c, 1]) : window;
      const product = scope.run('Multiply', { a: windowByChannel, b: dyByChannel });
      const productRows = scope.reshape(product, [1, rows, 1, c * m]);
      taps.push(scope.run('AvgPool', { x: productRows }, { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' }));
      // Two full-size temporaries per tap: free them now rather than holding all taps' at once.
      scope.release(window, windowByChannel, product, productRows);
    }
  }
  const means = scope.run('Concat', taps, { axis: 1 });
  const sums = scope.run('Multiply', { a: means, b: scope.fill([], rows) });
  return scope.free(scope.reshape(sums, [fh, fw, c, m]));
}

export const DEPTHWISE_CONV2D_BACKPROP_FILTER_WASM: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ((args: Parameters<typeof depthwiseConv2dBackpropFilter>[0]) => depthwiseConv2dBackpropFilter(args)) as unknown as tf.KernelFunc,
};
