// Faster wasm Conv2DBackpropInput: one XNNPACK GEMM for all filter taps, then a col2im scatter-add.

import * as tf from '@tensorflow/tfjs';
import { type Conv2DGradAttrs, MAX_COLUMN_ELEMENTS } from './conv-attrs.ts';
import { WasmKernelScope } from './wasm-kernel-calls.ts';
import type { WasmKernelOverride } from './wasm-kernel-override.ts';

type Attrs = Conv2DGradAttrs<'inputShape'>;

/**
 * cols[p, (i, j, c)] = sum over o of dy[p, o] * W[i, j, c, o] is one GEMM of dy [P, O] with W^T
 * [O, fh*fw*C], run as a 1x1 convolution of dy (XNNPACK's conv path: with a new small filter every
 * step it is up to ~2x faster than BatchMatMul, whose transposeB variant is ~10x slower again). Each
 * cols row then adds into the dx pixels its taps touched (col2im); for a 1x1 stride-1 unpadded kernel
 * cols already is dx. The builtin runs a direct loop: ~200 ms for a pointwise [64, 49, 20, 64]
 * gradient and ~90 ms for DS-CNN's first 10x4 stride-2 conv, versus ~16 ms and ~20 ms.
 */
export const CONV2D_BACKPROP_INPUT_WASM_OVERRIDE: WasmKernelOverride<Attrs> = {
  kernelName: 'Conv2DBackpropInput',
  fastPath: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    if (dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
    const filterShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { filterHeight: fh, filterWidth: fw, inChannels: c, outChannels: o, outHeight: oh, outWidth: ow } = info;
    const taps = fh * fw * c;
    const positions = inputShape[0] * oh * ow;
    if (positions * taps > MAX_COLUMN_ELEMENTS || positions * taps === 0) return undefined;
    const scope = new WasmKernelScope(backend);
    const filterT = scope.run('Transpose', { x: scope.reshape(filter, [taps, o]) }, { perm: [1, 0] });
    const cols = scope.run('Conv2D', { x: dy, filter: scope.reshape(filterT, [1, 1, o, taps]) }, { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' }); // [N, oh, ow, taps]
    const { top, bottom, left, right } = info.padInfo;
    if (fh === 1 && fw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top + bottom + left + right === 0) {
      return scope.free(scope.reshape(cols, [...inputShape]));
    }
    const dx = backend.makeOutput([...inputShape], 'float32');
    // Views after the allocation: it may have grown (replaced) the heap buffer.
    col2im(backend.typedArrayFromHeap(cols) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array, info);
    return scope.free(dx); // dx is not an intermediate, so every temporary (cols included) goes
  },
};

/** dx[n, y*sh + i - top, x*sw + j - left, :] += cols[n, y, x, i, j, :] for every tap inside the image. */
function col2im(cols: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const rowLength = fh * fw * c;
  dx.fill(0);
  let p = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++, p++) {
        for (let i = 0; i < fh; i++) {
          const row = y * sh + i - top;
          if (row < 0 || row >= h) continue;
          for (let j = 0; j < fw; j++) {
            const col = x * sw + j - left;
            if (col < 0 || col >= w) continue;
            const to = ((n * h + row) * w + col) * c;
            const from = p * rowLength + (i * fw + j) * c;
            for (let k = 0; k < c; k++) dx[to + k] = (dx[to + k] as number) + (cols[from + k] as number);
          }
        }
      }
    }
  }
}
