// Conv2DBackpropFilter for the wasm backend, computed by the backend's own XNNPACK convolution.

import * as tf from '@tensorflow/tfjs';
import { type Conv2DGradAttrs, MAX_COLUMN_ELEMENTS } from './conv-attrs.ts';
import { convFilterGradSimd } from './conv-filter-grad-simd.ts';
import { transposedProductSimd } from './transposed-product-simd.ts';
import { heapMemory, WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

type Attrs = Conv2DGradAttrs<'filterShape'>;

/**
 * dW[i, j, c, o] = sum over (n, y, x) of xPadded[n, y*sh + i, x*sw + j, c] * dy[n, y, x, o], i.e.
 * dW [fh*fw*C, O] = cols^T [fh*fw*C, P] times dy [P, O], where cols is the im2col matrix of x.
 * A 1x1 stride-1 kernel needs no im2col: cols is x itself. With wasm SIMD (and channel counts in
 * multiples of 4 and 8) one compiled loop reads x and dy in place (transposed-product-simd.ts: ~0.65x
 * the time of the backend's transpose plus GEMM for a [64, 49, 10, 64] activation); else the backend
 * transposes x and multiplies. `allowSimd` is for tests.
 * Other filters, when fw*C is a multiple of 4 and O of 8 (DS-CNN's first conv: 10x4 over one channel),
 * take one compiled loop over the padded x and dy with no cols at all (conv-filter-grad-simd.ts).
 * Otherwise cols^T is written directly (a strided gather in JavaScript: ~5 ms for DS-CNN's first conv)
 * and one XNNPACK GEMM does the rest; the filter layout [fh, fw, C, O] is the GEMM's output layout.
 * Past `maxColumnElements`, `viaConvolution` avoids materialising cols.
 */
export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike; attrs: Attrs }, maxColumnElements = MAX_COLUMN_ELEMENTS, allowSimd = true): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm, whittle): dataFormat must be 'NHWC'; got '${dataFormat}'`);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inChannels: c, outChannels: o } = info;
  const positions = (x.shape[0] as number) * oh * ow;
  const { top, bottom, left, right } = info.padInfo;
  const scope = new WasmKernelScope(args.backend);
  const memory = heapMemory(args.backend);

  if (fh === 1 && fw === 1 && sh === 1 && sw === 1 && top + bottom + left + right === 0) {
    const run = allowSimd && memory !== undefined && x.dtype === 'float32' && dy.dtype === 'float32' ? transposedProductSimd(memory, { rows: positions, m: c, n: o }) : undefined;
    if (run !== undefined) {
      const grad = args.backend.makeOutput([1, 1, c, o], 'float32');
      // Views after the allocation (it may have grown the heap); the loop adds into a zeroed gradient.
      const out = args.backend.typedArrayFromHeap(grad).fill(0);
      run(args.backend.typedArrayFromHeap(x).byteOffset, args.backend.typedArrayFromHeap(dy).byteOffset, out.byteOffset);
      return scope.free(grad);
    }
    const xT = scope.run('Transpose', { x: scope.reshape(x, [positions, c]) }, { perm: [1, 0] });
    return scope.free(scope.reshape(scope.matMul(scope.reshape(xT, [1, c, positions]), scope.reshape(dy, [1, positions, o])), [1, 1, c, o]));
  }
  if (allowSimd && memory !== undefined && x.dtype === 'float32' && dy.dtype === 'float32') {
    const [batch, h, w] = x.shape as [number, number, number, number];
    const [paddedHeight, paddedWidth] = [h + top + bottom, w + left + right];
    const fits = (oh - 1) * sh + fh <= paddedHeight && (ow - 1) * sw + fw <= paddedWidth;
    const shape = { batch, paddedHeight, paddedWidth, channels: c, outHeight: oh, outWidth: ow, outChannels: o, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw };
    const run = fits ? convFilterGradSimd(memory, shape) : undefined;
    if (run !== undefined) {
      const xPadded = scope.padOrCrop(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
      const grad = args.backend.makeOutput([fh, fw, c, o], 'float32');
      // Views after the allocations; the loop adds into a zeroed gradient.
      const out = args.backend.typedArrayFromHeap(grad).fill(0);
      run(args.backend.typedArrayFromHeap(xPadded).byteOffset, args.backend.typedArrayFromHeap(dy).byteOffset, out.byteOffset);
      return scope.free(grad);
    }
  }
  const taps = fh * fw * c;
  if (taps * positions > maxColumnElements) return viaConvolution(scope, x, dy, info);
  const colsT = args.backend.makeOutput([1, taps, positions], 'float32');
  scope.adopt(colsT);
  // View taken after the allocation (it may have grown the heap).
  im2colTransposed(args.backend.typedArrayFromHeap(x) as Float32Array, args.backend.typedArrayFromHeap(colsT) as Float32Array, info);
  return scope.free(scope.reshape(scope.matMul(colsT, scope.reshape(dy, [1, positions, o])), [fh, fw, c, o]));
}

/** colsT[(i, j, c), (n, y, x)] = x[n, y*sh + i - top, x*sw + j - left, c], zero outside the image. */
function im2colTransposed(x: Float32Array, colsT: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  let out = 0;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let k = 0; k < c; k++) {
        for (let n = 0; n < batchSize; n++) {
          for (let y = 0; y < oh; y++) {
            const row = y * sh + i - top;
            if (row < 0 || row >= h) {
              colsT.fill(0, out, out + ow);
              out += ow;
              continue;
            }
            const base = (n * h + row) * w;
            for (let xo = 0; xo < ow; xo++, out++) {
              const col = xo * sw + j - left;
              colsT[out] = col < 0 || col >= w ? 0 : (x[(base + col) * c + k] as number);
            }
          }
        }
      }
    }
  }
}

/**
 * The same sum read with c as the batch, n as the input channel and dy as an [oh, ow, N, O] filter
 * dilated by the stride: one valid forward convolution on XNNPACK's conv path, without im2col memory
 * (but with two full transposes, so slower when cols fits).
 */
function viaConvolution(scope: WasmKernelScope, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, inChannels: c, outChannels: o } = info;
  const { top, bottom, left, right } = info.padInfo;
  const xPadded = scope.padOrCrop(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const image = scope.run('Transpose', { x: xPadded }, { perm: [3, 1, 2, 0] }); // [C, Hp, Wp, N]
  const kernel = scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [oh, ow, N, O]
  let grad = scope.run('Conv2D', { x: image, filter: kernel }, { strides: [1, 1], pad: 'valid', dilations: [sh, sw], dataFormat: 'NHWC' }); // [C, >=fh, >=fw, O]
  if (grad.shape[1] !== fh || grad.shape[2] !== fw) {
    // Padding rows/columns that no output position reaches make the result larger; they carry no gradient.
    grad = scope.run('Slice', { x: grad }, { begin: [0, 0, 0, 0], size: [c, fh, fw, o] });
  }
  return scope.free(scope.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] }));
}

export const CONV2D_BACKPROP_FILTER_WASM: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ((args: Parameters<typeof conv2dBackpropFilter>[0]) => conv2dBackpropFilter(args)) as unknown as tf.KernelFunc,
};
